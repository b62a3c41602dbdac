package dev.dipr1.demo;

import dev.dipr1.generator.PolicyWatcher;
import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicAdmin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed loop with each component in its own JVM ({@code dipr1 rewards}, {@code dipr1
 * learner}, {@code dipr1 generator}), exactly as a deployment runs them; this process only feeds
 * the prompts, watches, and stops them with SIGTERM. The learner reports its steps and drop
 * counters through a {@link LearnerStatusDir}, so the result holds the same numbers as {@link RlLoop}'s.
 */
public final class ProcessRlLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRlLoop.class);
    private static final Duration LEARNER_START = Duration.ofMinutes(3);

    private ProcessRlLoop() {}

    /**
     * Runs the loop until the learner has taken {@code maxSteps} steps (0 = no step limit), the budget
     * is spent or every prompt has been generated; {@code progress} may be null.
     */
    public static RlLoop.Result run(
            RlLoop.Config c, ChildJvm jvm, Duration budget, int maxSteps, Consumer<RlLoop.Status> progress)
            throws Exception {
        try (Admin admin = KafkaClients.admin(c.client())) {
            new TopicAdmin(admin, (short) 1).ensure(c.catalog().all());
            return run(c, jvm, budget, maxSteps, progress, admin);
        }
    }

    private static RlLoop.Result run(
            RlLoop.Config c, ChildJvm jvm, Duration budget, int maxSteps, Consumer<RlLoop.Status> progress, Admin admin)
            throws Exception {
        Path work = c.workDir();
        Files.createDirectories(work);
        LearnerStatusDir learner = new LearnerStatusDir(work.resolve("learner-status"));
        learner.reset();
        ServiceArgs args =
                new ServiceArgs(c.client().bootstrapServers(), c.catalog().prefix());
        long start = System.nanoTime();
        try (Components components = new Components()) {
            start(components, jvm, work, "rewards", args.rewards(work.resolve("reward-state"), c.rewards()));
            start(components, jvm, work, "learner", args.learner(c.sft(), c.learner(), work.resolve("learner-status")));
            awaitReady(learner, components);
            for (int i = 0; i < c.generators(); i++) {
                start(components, jvm, work, "generator-" + i, args.generator(c.sft(), c.generator(i)));
            }
            c.feedPrompts();
            long deadline = start + budget.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                if (stepsDone(learner, maxSteps)) {
                    break;
                }
                try {
                    components.check();
                } catch (IllegalStateException e) {
                    // a learner with a step limit exits when it reaches it, maybe between two looks
                    if (stepsDone(learner, maxSteps)) {
                        break;
                    }
                    throw e;
                }
                long generated = written(admin, c.catalog().rollouts().name());
                if (progress != null) {
                    progress.accept(new RlLoop.Status((System.nanoTime() - start) / 1e9, learner.history(), generated));
                }
                if (generated >= (long) c.prompts().size() * c.promptEpochs()) {
                    break;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new RlLoop.Result(
                learner.history(),
                seconds,
                written(admin, c.catalog().rollouts().name()),
                learner.counters(),
                newestPolicy(c),
                written(admin, c.catalog().deadLetters().name()),
                List.of()); // the greedy probe reads the learner's weights in its thread: threads only
    }

    private static boolean stepsDone(LearnerStatusDir learner, int maxSteps) throws IOException {
        return maxSteps > 0 && learner.history().size() >= maxSteps;
    }

    private static void start(Components components, ChildJvm jvm, Path work, String name, List<String> args)
            throws IOException {
        Path log = work.resolve(name + ".log");
        components.watchProcess(name, jvm.start(name, args, log), log);
    }

    private static void awaitReady(LearnerStatusDir learner, Components components) throws InterruptedException {
        long deadline = System.nanoTime() + LEARNER_START.toNanos();
        while (!learner.isReady()) {
            components.check();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the learner was not ready within " + LEARNER_START.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    private static Policy newestPolicy(RlLoop.Config c) throws IOException {
        try (PolicyWatcher w =
                new PolicyWatcher(c.client(), c.catalog().policy(), c.learner().policyDir())) {
            Optional<PolicyUpdate> newest = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                newest = w.poll(Duration.ofMillis(500));
            }
            if (newest.isEmpty()) {
                LOG.warn("the learner published no policy; RL result = the SFT checkpoint");
                return Policy.load(c.sft());
            }
            Policy p = Policy.fromBytes(PolicyUpdates.checkpoint(newest.get()));
            p.setVersion(newest.get().getVersion());
            return p;
        }
    }

    /** How many records were written to {@code topic}: the sum of its end offsets. */
    private static long written(Admin admin, String topic) throws Exception {
        return TopicAdmin.endOffsets(admin, topic, Duration.ofSeconds(30)).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
