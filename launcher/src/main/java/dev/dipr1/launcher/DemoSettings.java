package dev.dipr1.launcher;

/**
 * The size of a demo run.
 *
 * @param sftSteps and {@code sftMinutes}: the supervised warm start (cached per seed and settings)
 * @param rlMinutes wall-clock budget of asynchronous GRPO
 * @param trainScenes synthetic train scenes fed as prompts (one epoch)
 * @param evalImages held-out images per split
 * @param generators generator instances
 */
record DemoSettings(int sftSteps, double sftMinutes, double rlMinutes, int trainScenes, int evalImages,
        int generators) {

    /** Fits the 20-minute budget on 2 cores: SFT ≤ 8 min, RL 4 min, equal-compute SFT 4 min, evaluations. */
    static DemoSettings standard() {
        return new DemoSettings(2200, 8.0, 4.0, 3000, 200, 1);
    }

    /** A smoke run under 5 minutes. */
    static DemoSettings quick() {
        return new DemoSettings(400, 1.3, 1.0, 600, 60, 1);
    }
}
