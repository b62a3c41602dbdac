package dev.dipr1.launcher;

import dev.dipr1.generator.PolicyWatcher;
import dev.dipr1.generator.PromptFeeder;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.Policy;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicAdmin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The closed loop with each component in its own JVM ({@code dipr1 rewards}, {@code dipr1
 * learner}, {@code dipr1 generator}), exactly as a deployment runs them; this process only feeds
 * the prompts, watches, and stops them with SIGTERM.
 */
final class ProcessRlLoop {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRlLoop.class);

    private ProcessRlLoop() {}

    static RlLoop.Result run(RlLoop.Config c, Duration budget, Consumer<RlLoop.Status> progress) throws Exception {
        try (Admin admin = Admin.create(c.client().asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(c.catalog().all());
        }
        Path work = c.workDir();
        Files.createDirectories(work);
        Path history = work.resolve("learner-history.jsonl");
        Path ready = work.resolve("learner.ready");
        Files.deleteIfExists(history);
        Files.deleteIfExists(ready);
        List<String> common = List.of("--bootstrap-servers", c.client().bootstrapServers(), "--topic-prefix",
                c.catalog().prefix());
        List<Process> children = new ArrayList<>();
        long start = System.nanoTime();
        try {
            children.add(child(work, "rewards", concat(List.of("rewards"), common, List.of("--state-dir",
                    work.resolve("reward-state").toString()), rewardArgs(c.rewards()))));
            children.add(child(work, "learner", concat(List.of("learner"), common, List.of("--checkpoint",
                    c.sft().toString(), "--learner-checkpoint", work.resolve("learner.ckpt").toString(),
                    "--policy-dir", work.resolve("policies").toString(), "--history", history.toString(),
                    "--ready-file", ready.toString(), "--start-at-end"), learnerArgs(c.learner()))));
            awaitFile(ready, Duration.ofMinutes(3), children);
            for (int i = 0; i < c.generators(); i++) {
                children.add(child(work, "generator-" + i, concat(List.of("generator"), common, List.of(
                        "--checkpoint", c.sft().toString(), "--id", c.catalog().prefix() + "gen-" + i,
                        "--group-size", Integer.toString(c.groupSize()), "--temperature",
                        Float.toString(c.temperature()), "--sampler-seed", Long.toString(c.seed() + i),
                        "--max-groups-per-version", Integer.toString(c.maxGroupsPerVersion())))));
            }
            PromptFeeder.publish(c.client(), c.catalog(), "synthetic-seed" + c.seed(), "train", c.prompts(), 1,
                    c.seed(), System.currentTimeMillis());
            long deadline = start + budget.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                for (Process p : children) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("a component exited early (exit " + p.exitValue()
                                + "); see the logs in " + work);
                    }
                }
                long generated = endOffsets(c, c.catalog().rollouts().name());
                if (progress != null) {
                    progress.accept(new RlLoop.Status((System.nanoTime() - start) / 1e9, StepLog.read(history),
                            generated));
                }
                if (generated >= c.prompts().size()) {
                    break;
                }
            }
        } finally {
            for (Process p : children) {
                p.destroy(); // SIGTERM: each service stops through its shutdown hook
            }
            for (Process p : children) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new RlLoop.Result(StepLog.read(history), seconds, endOffsets(c, c.catalog().rollouts().name()),
                new SimpleMeterRegistry(), newestPolicy(c), endOffsets(c, c.catalog().deadLetters().name()));
    }

    private static Policy newestPolicy(RlLoop.Config c) throws IOException {
        try (PolicyWatcher w = new PolicyWatcher(c.client(), c.catalog().policy())) {
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

    private static long endOffsets(RlLoop.Config c, String topic) throws Exception {
        try (Admin admin = Admin.create(c.client().asMap())) {
            int n = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int i = 0; i < n; i++) {
                specs.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(o -> o.offset()).sum();
        }
    }

    static List<String> learnerArgs(LearnerSettings s) {
        List<String> a = new ArrayList<>(List.of("--batch-groups", Integer.toString(s.batchGroups()),
                "--inner-iterations", Integer.toString(s.innerIterations()), "--lr", Float.toString(s.learningRate()),
                "--clip-epsilon", Float.toString(s.loss().clipEpsilon()), "--beta", Float.toString(s.loss().beta()),
                "--max-staleness", Integer.toString(s.maxStaleness()), "--publish-every",
                Integer.toString(s.publishEvery()), "--checkpoint-every", Integer.toString(s.checkpointEvery()),
                "--inline-limit", Integer.toString(s.inlineLimit())));
        if (!s.skipZeroVariance()) {
            a.add("--keep-zero-variance");
        }
        return a;
    }

    static List<String> rewardArgs(RewardConfig r) {
        List<String> a = new ArrayList<>(List.of("--iou", Double.toString(r.iouThreshold()), "--weights-pr",
                r.weightPrecision() + "," + r.weightRecall(), "--cluster-iou", Double.toString(r.clusterIou()),
                "--uncertainty", Double.toString(r.uncertaintyThreshold()), "--max-look-area",
                Double.toString(r.maxLookAreaFraction()), "--lambda",
                r.lambdaFormat() + "," + r.lambdaLook() + "," + r.lambdaAccuracy(), "--epsilon",
                Double.toString(r.epsilon())));
        if (!r.soft()) {
            a.add("--hard");
        }
        if (!r.scaleByStd()) {
            a.add("--no-std-scaling");
        }
        return a;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) {
            out.addAll(p);
        }
        return out;
    }

    private static Process child(Path work, String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx3g");
        // Three JVMs share two cores: one libtorch thread each.
        cmd.add("-Dai.djl.pytorch.num_threads=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Dipr1.class.getName());
        cmd.addAll(args);
        Path log = work.resolve(name + ".log");
        LOG.info("starting {} (log {}): dipr1 {}", name, log, String.join(" ", args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitFile(Path file, Duration timeout, List<Process> children) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            for (Process p : children) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a component exited during start-up (exit " + p.exitValue() + ")");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the learner was not ready within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }
}
