package dev.dipr1.demo;

import dev.dipr1.generator.GeneratorService;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.generator.PromptFeeder;
import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.learner.LearnerService;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.Policy;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.rewardstream.RewardStatistics;
import dev.dipr1.rewardstream.RewardStreamService;
import dev.dipr1.rewardstream.RewardStreamSettings;
import dev.dipr1.scenes.Scene;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed loop, in one JVM: reward stream, learner and generators running concurrently as
 * threads, with the train prompts fed once. Runs until a time budget, a number of learner steps, or
 * the prompts are used up; fails, naming it, as soon as a component thread dies.
 */
public final class RlLoop {

    private static final Logger LOG = LoggerFactory.getLogger(RlLoop.class);

    /**
     * @param maxGroupsPerVersion how many groups a generator makes with one policy version before
     *     it waits for the next (B·K = synchronous); only when {@code leadVersions} is 0
     * @param leadVersions L &gt; 0: the cumulative bound instead (about L versions of groups beyond
     *     what the learner has read, {@link #versionShare} groups per version nominally)
     * @param promptsPerBatch P: prompts each generator decodes in one batch
     * @param engine what every generator samples with ({@link EngineSettings#djl()}: in process)
     */
    public record Config(
            ClientSettings client,
            TopicCatalog catalog,
            Path sft,
            LearnerSettings learner,
            int generators,
            int groupSize,
            float temperature,
            long seed,
            int maxGroupsPerVersion,
            int leadVersions,
            int promptsPerBatch,
            List<Scene> prompts,
            Path workDir,
            RewardConfig rewards,
            EngineSettings engine) {

        /** A loop whose generators sample in process. */
        public Config(
                ClientSettings client,
                TopicCatalog catalog,
                Path sft,
                LearnerSettings learner,
                int generators,
                int groupSize,
                float temperature,
                long seed,
                int maxGroupsPerVersion,
                int leadVersions,
                int promptsPerBatch,
                List<Scene> prompts,
                Path workDir,
                RewardConfig rewards) {
            this(
                    client,
                    catalog,
                    sft,
                    learner,
                    generators,
                    groupSize,
                    temperature,
                    seed,
                    maxGroupsPerVersion,
                    leadVersions,
                    promptsPerBatch,
                    prompts,
                    workDir,
                    rewards,
                    EngineSettings.djl());
        }

        /** These settings with the generators sampling with {@code e}. */
        public Config withEngine(EngineSettings e) {
            return new Config(
                    client,
                    catalog,
                    sft,
                    learner,
                    generators,
                    groupSize,
                    temperature,
                    seed,
                    maxGroupsPerVersion,
                    leadVersions,
                    promptsPerBatch,
                    prompts,
                    workDir,
                    rewards,
                    e);
        }

        /**
         * The settings of generator {@code i}: its id, G, temperature, the default top-p and length, seed + i, its
         * bound, P and the engine; it reads policy files only from the learner's policy directory.
         */
        public GeneratorSettings generator(int i) {
            return new GeneratorSettings(
                            catalog.prefix() + "gen-" + i,
                            groupSize,
                            temperature,
                            GeneratorSettings.DEFAULT_TOP_P,
                            GeneratorSettings.DEFAULT_MAX_TOKENS,
                            seed + i,
                            maxGroupsPerVersion)
                    .withWeightsDir(learner.policyDir())
                    .withLead(lead(), lead() > 0 ? versionShare(learner, generators) : 0)
                    .withPromptsPerBatch(promptsPerBatch)
                    .withEngine(engine);
        }

        /**
         * The lead the generators get: {@code leadVersions}, but no more than the learner's max
         * staleness (older groups it would drop), and 0 (the per-version bound, B·K per version) for
         * synchronous learning (max staleness 0), where any lead would make groups it drops.
         */
        int lead() {
            return learner.maxStaleness() == 0 ? 0 : Math.min(leadVersions, learner.maxStaleness());
        }

        /** Feeds the run's prompts and their annotations, as many epochs as its step limit may need. */
        void feedPrompts() {
            PromptFeeder.publish(
                    client,
                    catalog,
                    "synthetic-seed" + seed,
                    "train",
                    prompts,
                    promptEpochs(),
                    seed,
                    System.currentTimeMillis());
        }

        /**
         * One epoch, or with a step limit enough epochs for twice the groups its steps train on (the
         * learner drops stale and zero-variance groups), so a run ends by its steps, not by its prompts.
         */
        int promptEpochs() {
            long needed = 2L * learner.maxSteps() * learner.batchGroups();
            return (int) Math.max(1, (needed + prompts.size() - 1) / prompts.size());
        }
    }

    /** The outcome; the caller owns (and closes) {@code policy}. */
    public record Result(
            List<StepStats> history,
            double seconds,
            long groupsGenerated,
            LearnerCounters counters,
            Policy policy,
            long deadLetters,
            List<GreedyProbe.Point> probe) {}

    /** Training prompts in the {@link GreedyProbe}. */
    static final int PROBE_IMAGES = 64;
    /** Learner steps between two greedy probes. */
    static final int PROBE_EVERY = 20;

    /** The progress of a running loop, reported about once a second. */
    public record Status(double seconds, List<StepStats> history, long groupsGenerated) {}

    private RlLoop() {}

    /**
     * How far generation may run ahead of learning: B·K groups per policy version is synchronous;
     * asynchronously, two batches per version keep the generator busy while the learner steps and
     * keep what it trains on a couple of versions old (measured: three batches per version left
     * groups 3–4 versions old and a third of them dropped as stale).
     */
    public static int groupsPerVersion(LearnerSettings ls) {
        int batch = ls.batchGroups() * ls.publishEvery();
        return ls.maxStaleness() < 2 ? batch : 2 * batch;
    }

    /**
     * A generator's nominal share of one policy version under the cumulative bound: the learner's
     * B·K groups divided among the generators (rounded up). What the learner really reads per version
     * (more, as it drops groups) each generator learns from the policy updates.
     */
    public static int versionShare(LearnerSettings ls, int generators) {
        int batch = ls.batchGroups() * ls.publishEvery();
        return (batch + generators - 1) / generators;
    }

    /** Runs the loop; {@code maxSteps} 0 = no step limit, {@code progress} may be null. */
    public static Result run(Config c, Duration budget, int maxSteps, Consumer<Status> progress) throws Exception {
        try (Admin admin = KafkaClients.admin(c.client())) {
            new TopicAdmin(admin, (short) 1).ensure(c.catalog().all());
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RewardStatistics rewardStats = new RewardStatistics(registry);
        long start = System.nanoTime();
        List<GeneratorService> generators = new ArrayList<>();
        LearnerService learner = null;
        GreedyProbe probe = null;
        boolean handedOver = false;
        Files.createDirectories(c.workDir());
        try (RewardStreamService rewards = RewardStreams.start(
                        c.client(),
                        c.catalog(),
                        RewardStreamSettings.defaults(c.rewards()),
                        null,
                        c.workDir().resolve("reward-state"),
                        rewardStats);
                Policy ref = Policy.load(c.sft())) {
            try (Components components = new Components()) {
                components.watch("reward-stream", () -> failed(rewards.state()));
                learner = new LearnerService(
                        c.client(),
                        c.catalog(),
                        c.catalog().advantages().name(),
                        Policy.load(c.sft()),
                        ref,
                        c.learner(),
                        registry,
                        System::currentTimeMillis);
                probe = new GreedyProbe(
                        learner.policy(),
                        c.prompts()
                                .subList(0, Math.min(PROBE_IMAGES, c.prompts().size())),
                        c.rewards(),
                        PROBE_EVERY);
                learner.onStep(probe);
                components.startThread("learner", learner::run, learner::stop);
                if (!learner.awaitPositioned(Duration.ofSeconds(60))) {
                    components.check();
                    throw new IllegalStateException("the learner did not start within 60 s");
                }
                for (int i = 0; i < c.generators(); i++) {
                    GeneratorService g = new GeneratorService(
                            c.client(),
                            c.catalog(),
                            Policy.load(c.sft()),
                            c.generator(i),
                            registry,
                            System::currentTimeMillis);
                    generators.add(g);
                    components.startThread("generator-" + i, g::run, g::stop);
                }
                c.feedPrompts();
                watch(c, components, learner, generators, start + budget.toNanos(), maxSteps, progress, start);
            } finally {
                generators.forEach(GeneratorService::close);
            }
            LOG.info("reward stream: {}", rewardStats.summarise(System.currentTimeMillis()));
            handedOver = true;
        } finally {
            if (learner != null) {
                learner.close();
                if (!handedOver) {
                    learner.policy().close();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long generated =
                generators.stream().mapToLong(GeneratorService::groupsGenerated).sum();
        return new Result(
                learner.history(),
                seconds,
                generated,
                LearnerCounters.of(registry),
                learner.policy(),
                rewardStats.deadLettered(),
                probe.points());
    }

    /** Why a reward stream in {@code state} no longer scores, or null while it does. */
    static String failed(KafkaStreams.State state) {
        return switch (state) {
            case PENDING_ERROR, ERROR, PENDING_SHUTDOWN, NOT_RUNNING -> "stopped (Kafka Streams state " + state + ")";
            default -> null;
        };
    }

    /**
     * How long the loop waits for a learner step while groups keep arriving: when every group is
     * dropped (e.g. a reward that no longer varies within a group, as the format reward alone once
     * the format is learnt) the learner never steps again, and the run ends rather than wait out
     * its safety cap.
     */
    static final Duration STALL = Duration.ofMinutes(2);

    /** Until the deadline, the step limit, the last prompt or a stall: reports progress, fails when a component died. */
    private static void watch(
            Config c,
            Components components,
            LearnerService learner,
            List<GeneratorService> generators,
            long deadline,
            int maxSteps,
            Consumer<Status> progress,
            long start)
            throws InterruptedException {
        int lastSteps = -1;
        long lastStepAt = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            components.check();
            long generated = generators.stream()
                    .mapToLong(GeneratorService::groupsGenerated)
                    .sum();
            List<StepStats> h = learner.history();
            if (h.size() != lastSteps) {
                lastSteps = h.size();
                lastStepAt = System.nanoTime();
            } else if (generated > 0 && System.nanoTime() - lastStepAt > STALL.toNanos()) {
                LOG.warn(
                        "no learner step in {} s while {} groups were generated: every group is dropped; ending RL",
                        STALL.toSeconds(),
                        generated);
                break;
            }
            if (progress != null) {
                progress.accept(new Status((System.nanoTime() - start) / 1e9, h, generated));
            }
            if (maxSteps > 0 && h.size() >= maxSteps) {
                break;
            }
            if (generated >= (long) c.prompts().size() * c.promptEpochs()) {
                LOG.info(
                        "all {} prompts generated; ending RL early",
                        (long) c.prompts().size() * c.promptEpochs());
                break;
            }
        }
    }
}
