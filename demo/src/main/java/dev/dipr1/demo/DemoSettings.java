package dev.dipr1.demo;

/**
 * The size of a demo run, in steps and samples (issue 11: a result must not depend on how busy the
 * machine was; the minutes are safety caps only). Written into report.json as {@code settings}.
 *
 * @param sftSteps supervised warm-start steps (cached per seed and settings), 1..100,000
 * @param rlSteps learner steps of asynchronous GRPO, 1..100,000
 * @param rlMaxMinutes safety cap of the RL phase, in (0, 600]: a run that hits it is reported as such
 * @param trainScenes the fixed labelled training set: SFT, RL prompts and the SFT continuation all
 *     read scenes {@code 0 .. trainScenes−1} of the run's seed, 1..1,000,000
 * @param evalImages held-out images per test split, 1..10,000
 * @param generators generator instances, 1..16
 */
public record DemoSettings(
        int sftSteps, int rlSteps, double rlMaxMinutes, int trainScenes, int evalImages, int generators) {

    /**
     * SFT steps per 64 RL samples of equal compute, measured on 2 idle cores (2026-12-04, {@code ./dipr1 demo --seed
     * 9}): an RL step of the standard demo (B = 16 groups × G = 8, generation included, generator and learner on a
     * core each) took 1.26 s of wall-clock, an SFT step at batch 32 on both cores 0.204 s, so 6.2 SFT steps per 128
     * samples, 3.1 per 64. It was 4 (1.2 s per 64 samples against 0.3 s) until SFT became data-parallel and the
     * learner encoded each group's image once.
     */
    public static final int SFT_STEPS_PER_RL_STEP = 3;

    /** The RL samples {@link #SFT_STEPS_PER_RL_STEP} is counted per: an RL step of B = 8 groups × G = 8. */
    public static final int REFERENCE_RL_STEP_SAMPLES = 64;

    /** Checks every field; the message names the value to change. */
    public DemoSettings {
        Checks.inRange("SFT steps (--sft-steps)", sftSteps, 1, 100_000);
        Checks.inRange("RL steps (--rl-steps)", rlSteps, 1, 100_000);
        Checks.minutes("RL safety cap (--rl-minutes)", rlMaxMinutes);
        Checks.inRange("train scenes (--train-scenes)", trainScenes, 1, 1_000_000);
        Checks.inRange("evaluation images (--eval-images)", evalImages, 1, 10_000);
        Checks.inRange("generators", generators, 1, 16);
    }

    /**
     * The standard run: SFT, 200 RL steps, their equal-compute SFT, 1,000 images per split (18 to 19
     * minutes on 2 idle cores at the demo's B = 16, SFT about 9 of them; see the README). Its SFT has fewer steps than
     * {@code dipr1 sft}'s 3,600 to fit the 20-minute budget; {@code --sft-steps 3600} gives the better start, about
     * 5 minutes later.
     */
    public static DemoSettings standard() {
        return new DemoSettings(2400, 200, 15.0, 3000, 1000, 1);
    }

    /** A smoke run: about 4 minutes on 2 idle cores at the demo's B = 16, its SFT included (see the README). */
    public static DemoSettings quick() {
        return new DemoSettings(400, 30, 5.0, 600, 200, 1);
    }

    /**
     * Steps of the equal-compute SFT continuation: {@link #SFT_STEPS_PER_RL_STEP} per RL step of
     * {@link #REFERENCE_RL_STEP_SAMPLES} samples, scaled by the samples an RL step really takes
     * (B × G), rounded up: an RL run with twice the batch gets twice the SFT.
     */
    public int sftMoreSteps(int rlStepSamples) {
        Checks.inRange("samples per RL step (B × G)", rlStepSamples, 1, 1_000_000);
        long steps = (long) rlSteps * SFT_STEPS_PER_RL_STEP * rlStepSamples;
        return Math.toIntExact((steps + REFERENCE_RL_STEP_SAMPLES - 1) / REFERENCE_RL_STEP_SAMPLES);
    }

    /** The same run with another SFT budget for the warm start. */
    public DemoSettings withSftSteps(int steps) {
        return new DemoSettings(steps, rlSteps, rlMaxMinutes, trainScenes, evalImages, generators);
    }

    /** The same run with another RL budget. */
    public DemoSettings withRl(int steps, double maxMinutes) {
        return new DemoSettings(sftSteps, steps, maxMinutes, trainScenes, evalImages, generators);
    }

    /** The same run with another training set and evaluation size. */
    public DemoSettings withData(int scenes, int images) {
        return new DemoSettings(sftSteps, rlSteps, rlMaxMinutes, scenes, images, generators);
    }
}
