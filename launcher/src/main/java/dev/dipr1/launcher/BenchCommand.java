package dev.dipr1.launcher;

import dev.dipr1.demo.KafkaConnection;
import dev.dipr1.demo.RlLoop;
import dev.dipr1.rewards.ScoringBenchmark;
import dev.dipr1.rewardstream.TopologyBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Benchmarks whose numbers go into the closing notes; rerun them with these commands. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Rerunnable benchmarks.",
        subcommands = {
            BenchCommand.Scoring.class,
            BenchCommand.TopologyBench.class,
            BenchCommand.AsyncVsSync.class,
            BenchCommand.Model.class,
            BenchCommand.Sampling.class,
            BenchCommand.Learner.class,
            BenchCommand.Bound.class,
            BenchCommand.Engine.class
        })
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark (see dipr1 bench --help)");
    }

    /** Model benchmarks measure one libtorch thread unless ai.djl.pytorch.num_threads says otherwise. */
    private static void oneLibtorchThreadUnlessSet() {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
    }

    @Command(
            name = "scoring",
            mixinStandardHelpOptions = true,
            description = "Scoring alone on one thread: G completions per group, 10-30 GT boxes.")
    static final class Scoring implements Callable<Integer> {
        @Option(names = "--groups", defaultValue = "500")
        int groups;

        @Option(names = "--g", defaultValue = "8")
        int g;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() {
            ScoringBenchmark.Result r = ScoringBenchmark.run(groups, g, seed);
            System.out.printf(
                    "scoring: %d completions in %.2f s = %.0f completions/s on one thread%n",
                    r.completions(), r.seconds(), r.completionsPerSecond());
            return 0;
        }
    }

    @Command(
            name = "topology",
            mixinStandardHelpOptions = true,
            description = "Reward topology end to end on a broker: groups/s with scoring vs a pass-through topology.")
    static final class TopologyBench implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--groups", defaultValue = "3000")
        int groups;

        @Option(names = "--g", defaultValue = "8")
        int g;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws Exception {
            try (KafkaConnection connection = kafka.connect(null)) {
                TopologyBenchmark.Result r = TopologyBenchmark.run(connection.settings(), groups, g, seed);
                System.out.printf(
                        "topology: %d groups of %d: scoring %.0f groups/s, pass-through %.0f groups/s, "
                                + "ratio %.2f%n",
                        r.groups(), r.g(), r.scoringGroupsPerSecond(), r.passThroughGroupsPerSecond(), r.ratio());
                return 0;
            }
        }
    }

    @Command(
            name = "async",
            mixinStandardHelpOptions = true,
            description = "Learner samples/s of asynchronous vs synchronous GRPO over the same number of steps, "
                    + "one after the other on one broker, from the same SFT checkpoint.")
    static final class AsyncVsSync implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        LearnerOptions learner;

        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The SFT checkpoint.")
        java.nio.file.Path checkpoint;

        @Option(
                names = "--steps",
                defaultValue = "40",
                description = "Learner steps per mode (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws Exception {
            FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
            oneLibtorchThreadUnlessSet();
            try (KafkaConnection connection = kafka.connect(null)) {
                var client = connection.settings();
                java.nio.file.Path work = java.nio.file.Files.createTempDirectory("dipr1-bench-async");
                double[] rates = new double[2];
                String[] modes = {"async", "sync"};
                for (int i = 0; i < 2; i++) {
                    boolean sync = i == 1;
                    var base = learner.settings(work.resolve(modes[i] + ".ckpt"), work.resolve("policies"), true);
                    var ls = new dev.dipr1.learner.LearnerSettings(
                            base.batchGroups(),
                            base.innerIterations(),
                            base.learningRate(),
                            base.loss(),
                            sync ? 0 : Math.max(1, base.maxStaleness()),
                            base.skipZeroVariance(),
                            base.publishEvery(),
                            1000,
                            null,
                            work.resolve("policies"),
                            base.inlineLimit(),
                            steps,
                            true);
                    var scenes = dev.dipr1.scenes.SyntheticScenes.generate(
                            dev.dipr1.scenes.Split.TRAIN, seed, 0, steps * ls.batchGroups() * 4);
                    var config = new RlLoop.Config(
                            client,
                            dev.dipr1.topics.TopicCatalog.withPrefix(
                                    "bench-" + modes[i] + "-" + System.currentTimeMillis() + "."),
                            checkpoint,
                            ls,
                            1,
                            8,
                            1f,
                            seed,
                            RlLoop.groupsPerVersion(ls),
                            sync ? 0 : dev.dipr1.demo.SamplingSettings.DEFAULT_LEAD_VERSIONS,
                            dev.dipr1.generator.GeneratorSettings.DEFAULT_PROMPTS_PER_BATCH,
                            scenes,
                            work.resolve(modes[i]),
                            dev.dipr1.rewards.RewardConfig.defaults());
                    RlLoop.Result r = RlLoop.run(config, java.time.Duration.ofMinutes(30), steps, null);
                    r.policy().close();
                    long samples = r.history().stream()
                            .mapToLong(dev.dipr1.learner.StepStats::samples)
                            .sum();
                    rates[i] = samples / r.seconds();
                    System.out.printf(
                            "%s: %d steps, %d samples in %.1f s = %.1f learner samples/s (%d groups generated)%n",
                            modes[i], r.history().size(), samples, r.seconds(), rates[i], r.groupsGenerated());
                }
                System.out.printf("async / sync = %.2f%n", rates[0] / rates[1]);
                return 0;
            }
        }
    }

    @Command(
            name = "model",
            mixinStandardHelpOptions = true,
            description = "Policy speed: SFT step time at batch 32 and decoding tokens/s with and without the KV "
                    + "cache for full-length completions at G = 8 (best of --reps).")
    static final class Model implements Callable<Integer> {
        @Option(
                names = "--reps",
                defaultValue = "5",
                description = "Repetitions, best kept (default: ${DEFAULT-VALUE}).")
        int reps;

        @Override
        public Integer call() {
            dev.dipr1.policy.PolicyBenchmarks.main(new String[] {Integer.toString(reps)});
            return 0;
        }
    }

    @Command(
            name = "learner",
            mixinStandardHelpOptions = true,
            description = "The arithmetic of a GRPO learner step on B train images x G sampled completions "
                    + "(forward and backward, then the reference forward), each image encoded once for its G "
                    + "completions and, for comparison, once per completion; one libtorch thread unless "
                    + "ai.djl.pytorch.num_threads is set.")
    static final class Learner implements Callable<Integer> {
        @Mixin
        PolicyBenchOptions policyBench;

        @Option(names = "--batch-groups", defaultValue = "16", description = "B (default: ${DEFAULT-VALUE}).")
        int batchGroups;

        @Override
        public Integer call() throws Exception {
            try (dev.dipr1.policy.Policy policy = policyBench.load()) {
                java.util.List<float[]> pixels = policyBench.trainImages(batchGroups);
                double[] millis = new double[2];
                for (boolean shared : new boolean[] {false, true}) {
                    var pass = dev.dipr1.policy.PolicyBenchmarks.learnerPass(
                            policy, pixels, policyBench.g, policyBench.temperature, shared, policyBench.reps);
                    millis[shared ? 1 : 0] = pass.millis();
                    System.out.printf(
                            java.util.Locale.ROOT,
                            "%s: %d completions in %.0f ms (%.0f ms of CPU), best of %d%n",
                            shared ? "each image once" : "an image per completion",
                            pass.rows(),
                            pass.millis(),
                            pass.cpuMillis(),
                            policyBench.reps);
                }
                System.out.printf(java.util.Locale.ROOT, "speed-up %.2fx%n", millis[0] / millis[1]);
            }
            return 0;
        }
    }

    @Command(
            name = "sampling",
            mixinStandardHelpOptions = true,
            description = "Generator decoding speed: samples/s for P prompts x G completions per decoding batch "
                    + "(completions stop at <eos>), on one libtorch thread unless ai.djl.pytorch.num_threads is set.")
    static final class Sampling implements Callable<Integer> {
        @Mixin
        PolicyBenchOptions policyBench;

        @Option(
                names = "--prompts-per-batch",
                split = ",",
                defaultValue = "1,2,4,8",
                description = "Values of P to measure (default: ${DEFAULT-VALUE}).")
        java.util.List<Integer> promptsPerBatch;

        @Option(
                names = "--images",
                defaultValue = "32",
                description = "Train images per pass (default: ${DEFAULT-VALUE}).")
        int images;

        @Override
        public Integer call() throws Exception {
            try (dev.dipr1.policy.Policy policy = policyBench.load()) {
                java.util.List<float[]> pixels = policyBench.trainImages(images);
                int g = policyBench.g;
                for (int p : promptsPerBatch) {
                    var speed = dev.dipr1.policy.PolicyBenchmarks.groupSpeed(
                            policy, pixels, g, p, policyBench.temperature, policyBench.reps);
                    System.out.printf(
                            java.util.Locale.ROOT,
                            "P=%d G=%d: %.1f samples per CPU-second; wall clock %.1f samples/s, %.0f tokens/s "
                                    + "(%d images in %.2f s, best of %d)%n",
                            p,
                            g,
                            speed.samplesPerCpuSecond(),
                            speed.samplesPerSecond(),
                            speed.tokensPerSecond(),
                            images,
                            speed.seconds(),
                            policyBench.reps);
                }
            }
            return 0;
        }
    }

    /** What the policy benchmarks share: a checkpoint, G completions of train images at a temperature, passes. */
    static final class PolicyBenchOptions {
        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The policy checkpoint.")
        java.nio.file.Path checkpoint;

        @Option(names = "--g", defaultValue = "8", description = "G (default: ${DEFAULT-VALUE}).")
        int g;

        @Option(names = "--temperature", defaultValue = "0.7", description = "(default: ${DEFAULT-VALUE}).")
        float temperature;

        @Option(names = "--reps", defaultValue = "3", description = "Passes, best kept (default: ${DEFAULT-VALUE}).")
        int reps;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the train images (default: 1).")
        long seed;

        /** The checkpoint, on one libtorch thread unless ai.djl.pytorch.num_threads is set. */
        dev.dipr1.policy.Policy load() throws java.io.IOException {
            FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
            oneLibtorchThreadUnlessSet();
            dev.dipr1.policy.DjlEnvironment.init();
            return dev.dipr1.policy.Policy.load(checkpoint);
        }

        /** Train scenes 0 .. count−1 of {@code --seed}, as CHW pixels. */
        java.util.List<float[]> trainImages(int count) {
            return dev.dipr1.scenes.SyntheticScenes.generate(dev.dipr1.scenes.Split.TRAIN, seed, 0, count).stream()
                    .map(dev.dipr1.scenes.Scene::pixelsChw)
                    .toList();
        }
    }

    @Command(
            name = "bound",
            mixinStandardHelpOptions = true,
            description = "How old the groups the learner trains on are, and how many are dropped as stale: the closed "
                    + "loop for --steps learner steps with the per-version bound (2 B K groups per version) and with "
                    + "the cumulative bound (--lead-versions), one after the other, from the same checkpoint.")
    static final class Bound implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        LearnerOptions learner;

        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The SFT checkpoint.")
        java.nio.file.Path checkpoint;

        @Option(
                names = "--steps",
                defaultValue = "40",
                description = "Learner steps per bound (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(
                names = "--lead-versions",
                defaultValue = "2",
                description = "L of the cumulative bound (default: ${DEFAULT-VALUE}).")
        int lead;

        @Option(
                names = "--prompts-per-batch",
                defaultValue = "8",
                description = "P of the generator, both runs (default: ${DEFAULT-VALUE}).")
        int promptsPerBatch;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws Exception {
            FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
            oneLibtorchThreadUnlessSet();
            try (KafkaConnection connection = kafka.connect(null)) {
                java.nio.file.Path work = java.nio.file.Files.createTempDirectory("dipr1-bench-bound");
                String[] modes = {"per-version", "lead-" + lead};
                for (int i = 0; i < 2; i++) {
                    var base = learner.settings(null, work.resolve("policies-" + i), true);
                    var ls = new dev.dipr1.learner.LearnerSettings(
                            base.batchGroups(),
                            base.innerIterations(),
                            base.learningRate(),
                            base.loss(),
                            base.maxStaleness(),
                            base.skipZeroVariance(),
                            base.publishEvery(),
                            1000,
                            null,
                            work.resolve("policies-" + i),
                            base.inlineLimit(),
                            steps,
                            true);
                    var config = new RlLoop.Config(
                            connection.settings(),
                            dev.dipr1.topics.TopicCatalog.withPrefix(
                                    "bench-bound-" + i + "-" + System.currentTimeMillis() + "."),
                            checkpoint,
                            ls,
                            1,
                            dev.dipr1.generator.GeneratorSettings.DEFAULT_GROUP_SIZE,
                            dev.dipr1.generator.GeneratorSettings.DEFAULT_TEMPERATURE,
                            seed,
                            RlLoop.groupsPerVersion(ls),
                            i == 0 ? 0 : lead,
                            promptsPerBatch,
                            dev.dipr1.scenes.SyntheticScenes.generate(
                                    dev.dipr1.scenes.Split.TRAIN, seed, 0, steps * ls.batchGroups() * 4),
                            work.resolve(modes[i]),
                            dev.dipr1.rewards.RewardConfig.defaults());
                    RlLoop.Result r = RlLoop.run(config, java.time.Duration.ofMinutes(30), steps, null);
                    r.policy().close();
                    java.util.SortedMap<Long, Integer> histogram = new java.util.TreeMap<>();
                    r.history()
                            .forEach(st ->
                                    st.stalenessHistogram().forEach((v, n) -> histogram.merge(v, n, Integer::sum)));
                    long trained = histogram.values().stream()
                            .mapToLong(Integer::longValue)
                            .sum();
                    long atMostTwo = histogram.entrySet().stream()
                            .filter(e -> e.getKey() <= 2)
                            .mapToLong(e -> e.getValue())
                            .sum();
                    System.out.printf(
                            java.util.Locale.ROOT,
                            "%s: %d steps in %.1f s; trained groups by versions old %s (%.0f%% at most 2); %d groups "
                                    + "generated, dropped: %.0f stale (%.1f%%), %.0f zero-variance, %.0f duplicate%n",
                            modes[i],
                            r.history().size(),
                            r.seconds(),
                            histogram,
                            100.0 * atMostTwo / Math.max(1, trained),
                            r.groupsGenerated(),
                            r.counters().droppedStale(),
                            100 * r.counters().droppedStale() / Math.max(1, r.groupsGenerated()),
                            r.counters().droppedZeroVariance(),
                            r.counters().droppedDuplicate());
                }
                return 0;
            }
        }
    }

    @Command(
            name = "engine",
            mixinStandardHelpOptions = true,
            description = "Samples/s of the HTTP engine against an in-process dipr1 serve (on a free port) versus the "
                    + "in-process engine: same checkpoint, G, max tokens, temperature, prompts and seeds, P prompts per "
                    + "batch on both sides (the server decodes up to P requests together); best of --reps passes each, "
                    + "on one libtorch thread unless ai.djl.pytorch.num_threads is set.")
    static final class Engine implements Callable<Integer> {
        @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "The policy to sample.")
        java.nio.file.Path checkpoint;

        @Option(
                names = {"--groups", "--steps"},
                defaultValue = "64",
                description = "Prompts (groups) per pass (default: ${DEFAULT-VALUE}).")
        int groups;

        @Option(names = "--g", defaultValue = "8", description = "G (default: ${DEFAULT-VALUE}).")
        int g;

        @Option(
                names = "--max-tokens",
                defaultValue = "" + dev.dipr1.generator.GeneratorSettings.DEFAULT_MAX_TOKENS,
                description = "Token budget per completion (default: ${DEFAULT-VALUE}).")
        int maxTokens;

        @Option(names = "--temperature", defaultValue = "0.7", description = "(default: ${DEFAULT-VALUE}).")
        float temperature;

        @Option(
                names = "--prompts-per-batch",
                defaultValue = "8",
                description = "P, both engines (default: ${DEFAULT-VALUE}).")
        int promptsPerBatch;

        @Option(names = "--reps", defaultValue = "3", description = "Passes, best kept (default: ${DEFAULT-VALUE}).")
        int reps;

        @Option(names = "--seed", defaultValue = "1")
        long seed;

        @Override
        public Integer call() throws Exception {
            FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
            if (groups < 1 || reps < 1) {
                throw new IllegalArgumentException("--groups and --reps must be at least 1");
            }
            oneLibtorchThreadUnlessSet();
            EngineBenchmark.Result r =
                    EngineBenchmark.run(checkpoint, groups, g, maxTokens, temperature, promptsPerBatch, reps, seed);
            System.out.printf(
                    java.util.Locale.ROOT,
                    "engine: %d groups x G=%d (%d tokens), P=%d, best of %d passes each: in-process %.1f samples/s "
                            + "(%.1f per CPU-second), HTTP %.1f samples/s (%.1f per CPU-second); HTTP / in-process: "
                            + "%.2f of the best passes, %.2f median of adjacent passes; %d groups differ between the "
                            + "engines, %d failed%n",
                    groups,
                    g,
                    r.tokens(),
                    promptsPerBatch,
                    reps,
                    r.inProcessSamplesPerSecond(),
                    r.inProcessSamplesPerCpuSecond(),
                    r.httpSamplesPerSecond(),
                    r.httpSamplesPerCpuSecond(),
                    r.ratio(),
                    r.medianPairedRatio(),
                    r.differingGroups(),
                    r.failedGroups());
            return 0;
        }
    }
}
