package dev.dipr1.launcher;

import dev.dipr1.demo.DemoPlan;
import dev.dipr1.demo.DemoSettings;
import dev.dipr1.demo.SamplingSettings;
import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of a demo run that a study shares across its runs: Kafka, learner, rewards, size, sampling. */
final class RunOptions {

    /**
     * The three DIP-R1 rewards at the weights the demo used until 2026-12-05, and the study's dipr1 arm
     * unless --lambda is given. With rewards.md's equal weights the look reward, whose spread within a
     * group is the largest, dominates the advantages: in our runs it rose from 0.33 to 0.6 while
     * accuracy did not move and F1 fell (seed 1: -0.004 in-domain); (1, 0.5, 2) gave +0.014.
     */
    static final double[] DIPR1_LAMBDA = {1.0, 0.5, 2.0};

    /**
     * The demo's reward weights unless --lambda is given: format and accuracy, no look reward. From
     * the starts of SFT at lr 2e-3 with the shift, GRPO without the look reward (paired by start, 200
     * steps, 1,000 test images per split) was ahead of {@link #DIPR1_LAMBDA} on the tuning seeds 1–3 by
     * +0.019, +0.018, +0.012 in domain and +0.011, +0.020, +0.012 out of domain, and on seeds 12–14, which
     * never chose a reward weight, +0.019, +0.012, +0.012 and +0.021, +0.008, +0.010 (a rule fixed before;
     * README "The look reward from today's start"). The reward stream's own default stays rewards.md §6.
     */
    static final double[] DEMO_LAMBDA = {1.0, 0.0, 2.0};

    /**
     * The demo's weights of precision and recall in the accuracy reward (w_p, w_r) unless --weights-pr
     * is given. With rewards.md's equal weights RL's gain was mostly precision (SFT → RL in domain on
     * five untuned seeds: precision +0.013 to +0.051, recall +0.000 to +0.033) and out of domain,
     * where recall is about half of precision, F1 fell below the SFT start on three of five. Tuned on
     * seeds 9–11 (paired by SFT start, 200 steps, 1,000 test images per split), RL(0.3, 0.7) −
     * RL(0.5, 0.5): out of domain +0.015, +0.010, +0.025 (RL − SFT +0.011, +0.016, +0.013 instead of
     * −0.004, +0.006, −0.011), in domain +0.002, −0.007, −0.001; w_r = 0.6 lay between. Confirmed
     * (by a rule fixed before) on the never-run seeds 14–16, weakly: out of domain +0.002, +0.012,
     * −0.000, in domain −0.004, −0.005, +0.001; over all six seeds +0.011 [+0.001, +0.020] out of
     * domain and −0.002 [−0.006, +0.001] in domain. The reward stream's own default stays rewards.md §6.
     */
    static final double[] DEMO_WEIGHTS_PR = {0.3, 0.7};

    /**
     * The demo's GRPO learning rate unless --lr is given. Under the fixed-training-set protocol, 200
     * steps from the same SFT checkpoint (seed 1, 1,000 test images per split, paired-bootstrap 95%
     * intervals): lr 1e-4 gave F1 +0.022 [+0.010, +0.035] in domain and −0.035 [−0.046, −0.022] out of
     * domain; 3e-5 gave +0.029 [+0.017, +0.040] and −0.008 [−0.019, +0.004]; 1e-5 +0.018 and −0.001.
     * Seed 2 at 3e-5: +0.025 in domain, +0.007 out of domain. The learner service's own default
     * stays {@link dev.dipr1.learner.LearnerSettings#DEFAULT_LEARNING_RATE}.
     */
    static final float DEMO_LEARNING_RATE = 3e-5f;

    /**
     * The demo's groups per learner step (B) unless --batch-groups is given. Tuned on seeds 1–3
     * only (200 steps, lr 3e-5, 1,000 test images per split): B = 16 gave in-domain F1 − SFT +0.019,
     * +0.013, +0.014 and out of domain +0.007, +0.010, +0.005, where B = 8 had given at most +0.001
     * out of domain on all six seeds it ran (in domain the same +0.015 on average). On the untuned
     * seeds 4–6 the ood gain did not repeat (−0.004, −0.001, +0.001) and in domain it gave +0.030,
     * +0.026, +0.025 (B = 8 from the same SFT starts: +0.017, +0.024, +0.007). Twice the
     * samples per step; the equal-compute SFT continuation doubles with it. The learner service's
     * own default stays {@link dev.dipr1.learner.LearnerSettings#DEFAULT_BATCH_GROUPS}.
     */
    static final int DEMO_BATCH_GROUPS = 16;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    LearnerOptions learner;

    @Mixin
    RewardOptions rewards;

    @Option(names = "--quick", description = "A smoke run of about 4 minutes on 2 cores.")
    boolean quick;

    @Option(
            names = "--sft-steps",
            paramLabel = "N",
            description = "SFT budget of the warm start in optimiser steps (default: 2400; --quick: 400).")
    Integer sftSteps;

    @Option(
            names = "--rl-steps",
            paramLabel = "N",
            description = "RL budget in learner steps (default: 200; --quick: 30).")
    Integer rlSteps;

    @Option(
            names = "--rl-minutes",
            paramLabel = "M",
            description = "Safety cap of the RL phase in minutes (default: 15; --quick: 5).")
    Double rlMinutes;

    @Option(
            names = "--train-scenes",
            paramLabel = "N",
            description = "The fixed labelled training set of SFT, RL and SFT continued (default: 3000; --quick: 600).")
    Integer trainScenes;

    @Option(
            names = "--eval-images",
            paramLabel = "N",
            description = "Held-out test images per split (default: 1000; --quick: 200).")
    Integer evalImages;

    @Option(names = "--group-size", description = "G: completions per prompt, 2..64 (default: ${DEFAULT-VALUE}).")
    int groupSize = SamplingSettings.defaults().groupSize();

    @Option(names = "--temperature", description = "Sampling temperature, in (0, 10] (default: ${DEFAULT-VALUE}).")
    float temperature = SamplingSettings.defaults().temperature();

    @Option(
            names = "--lead-versions",
            description =
                    "Generators run at most about L learner versions ahead of what the learner has read "
                            + "(0 = the older bound of a fixed number of groups per policy version) (default: ${DEFAULT-VALUE}).")
    int leadVersions = SamplingSettings.defaults().leadVersions();

    @Option(
            names = "--prompts-per-batch",
            description = "Prompts each generator decodes together (default: ${DEFAULT-VALUE}).")
    int promptsPerBatch = SamplingSettings.defaults().promptsPerBatch();

    @Option(
            names = "--processes",
            description =
                    "Run the reward stream, the learner and the generator each as its own JVM (default: threads of this one).")
    boolean processes;

    @Option(
            names = "--engine",
            paramLabel = "djl|openai",
            description = "What the generators sample with: djl = the in-process policy (the default); openai = a "
                    + "dipr1 serve this run starts on a free port, reached through the HTTP engine, told of every "
                    + "new policy version by --weights-update disk.")
    String engine = EngineSettings.Kind.DJL.label();

    @Option(
            names = "--sft-ema-decay",
            paramLabel = "D",
            description = "SFT and SFT continued validate and keep an exponential moving average of their weights with "
                    + "decay D; 0 = the weights as trained (default: ${DEFAULT-VALUE}).")
    float sftEmaDecay = SftSettings.DEFAULT_EMA_DECAY;

    @Option(
            names = "--sft-shift",
            paramLabel = "PX",
            description = "SFT and SFT continued move each training scene by up to PX pixels in x and y, as far as no "
                    + "counted person leaves the frame; 0 = no translation (default: ${DEFAULT-VALUE}).")
    int sftShift = SftSettings.DEFAULT_SHIFT_PIXELS;

    @Option(
            names = "--sft-lr",
            paramLabel = "LR",
            description = "Peak learning rate of the warm start's SFT; SFT continued keeps its own 2e-4 "
                    + "(default: ${DEFAULT-VALUE}).")
    float sftLr = SftSettings.DEFAULT_LR;

    @Option(
            names = "--cache-dir",
            defaultValue = "runs/cache",
            paramLabel = "DIR",
            description = "Where SFT checkpoints are cached (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The run's size: --quick or the standard one, with the budget and data options applied. */
    DemoSettings size() {
        DemoSettings size = quick ? DemoSettings.quick() : DemoSettings.standard();
        size = size.withSftSteps(sftSteps != null ? sftSteps : size.sftSteps());
        size = size.withRl(
                rlSteps != null ? rlSteps : size.rlSteps(), rlMinutes != null ? rlMinutes : size.rlMaxMinutes());
        return size.withData(
                trainScenes != null ? trainScenes : size.trainScenes(),
                evalImages != null ? evalImages : size.evalImages());
    }

    /** The validated plan of one run in {@code dir}; bad options throw IllegalArgumentException saying what to change. */
    DemoPlan plan(long seed, Path dir, RewardConfig rewardConfig, boolean sftMore, Path sftCheckpoint) {
        return plan(seed, dir, rewardConfig, sftMore, sftCheckpoint, kafka.catalog());
    }

    /** {@link #plan(long, Path, RewardConfig, boolean, Path)} on the topics of {@code catalog}. */
    DemoPlan plan(
            long seed, Path dir, RewardConfig rewardConfig, boolean sftMore, Path sftCheckpoint, TopicCatalog catalog) {
        return new DemoPlan(
                size(),
                new SamplingSettings(groupSize, temperature, leadVersions, promptsPerBatch),
                seed,
                dir,
                cacheDir,
                catalog,
                learnerSettings(dir),
                rewardConfig,
                sftMore,
                sftCheckpoint,
                processes,
                EngineSettings.Kind.parse(engine),
                sftEmaDecay,
                sftShift,
                sftLr);
    }

    /** The learner options, with the demo's own learning rate and B unless --lr or --batch-groups was given. */
    LearnerSettings learnerSettings(Path dir) {
        LearnerSettings s = learner.settings(dir.resolve("learner.ckpt"), dir.resolve("policies"), true);
        if (!given("--lr")) {
            s = s.withLearningRate(DEMO_LEARNING_RATE);
        }
        return given("--batch-groups") ? s : s.withBatchGroups(DEMO_BATCH_GROUPS);
    }

    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** The reward options, with the demo's own weights unless --lambda or --weights-pr was given. */
    RewardConfig rewardConfig() {
        return rewardConfig(DEMO_LAMBDA);
    }

    /** The reward options, with {@code lambda} unless --lambda was given and the demo's w_p, w_r unless --weights-pr. */
    RewardConfig rewardConfig(double[] lambda) {
        RewardConfig r = rewards.config();
        if (!given("--lambda")) {
            r = r.withLambda(lambda[0], lambda[1], lambda[2]);
        }
        return given("--weights-pr") ? r : r.withPrecisionRecallWeights(DEMO_WEIGHTS_PR[0], DEMO_WEIGHTS_PR[1]);
    }
}
