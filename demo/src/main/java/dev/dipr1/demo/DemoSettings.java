package dev.dipr1.demo;

/**
 * The size of a demo run. Written into report.json as {@code settings}.
 *
 * @param sftSteps supervised warm-start steps (cached per seed and settings), 1..100,000
 * @param sftMinutes wall-clock cap of the warm start, in (0, 600]
 * @param rlMinutes wall-clock budget of asynchronous GRPO, in (0, 600]
 * @param trainScenes synthetic train scenes fed as prompts (one epoch), 1..1,000,000
 * @param evalImages held-out images per split, 1..10,000
 * @param generators generator instances, 1..16
 */
public record DemoSettings(
        int sftSteps, double sftMinutes, double rlMinutes, int trainScenes, int evalImages, int generators) {

    /** Checks every field; the message names the value to change. */
    public DemoSettings {
        Checks.inRange("SFT steps", sftSteps, 1, 100_000);
        Checks.minutes("SFT minutes", sftMinutes);
        Checks.minutes("RL minutes (--rl-minutes)", rlMinutes);
        Checks.inRange("train scenes", trainScenes, 1, 1_000_000);
        Checks.inRange("evaluation images", evalImages, 1, 10_000);
        Checks.inRange("generators", generators, 1, 16);
    }

    /** Fits the 20-minute budget on 2 cores: SFT ≤ 8 min, RL 4 min, equal-compute SFT 4 min, evaluations. */
    public static DemoSettings standard() {
        return new DemoSettings(2200, 8.0, 4.0, 3000, 200, 1);
    }

    /** A smoke run under 5 minutes. */
    public static DemoSettings quick() {
        return new DemoSettings(400, 1.3, 1.0, 600, 60, 1);
    }

    /** The same run with another RL budget. */
    public DemoSettings withRlMinutes(double minutes) {
        return new DemoSettings(sftSteps, sftMinutes, minutes, trainScenes, evalImages, generators);
    }
}
