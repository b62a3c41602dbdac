package dev.dipr1.policy;

/**
 * Supervised fine-tuning settings.
 *
 * @param steps optimiser steps (the cosine schedule spans them)
 * @param batchSize scenes per step
 * @param lr peak learning rate (AdamW)
 * @param warmupSteps linear warm-up from 0, then cosine decay to {@code 0.1 × lr}
 * @param seed training scenes are {@code SyntheticScenes.generate(TRAIN, seed, index)} and the
 *     flips are drawn from it too
 * @param maxMinutes stop early when this wall-clock budget is spent (≤ 0: no limit)
 */
public record SftSettings(int steps, int batchSize, float lr, int warmupSteps, long seed, double maxMinutes) {

    public SftSettings {
        if (steps <= 0 || batchSize <= 0) {
            throw new IllegalArgumentException("steps and batch size must be > 0, got steps=" + steps + " batchSize=" + batchSize);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        if (warmupSteps < 0 || warmupSteps >= steps) {
            throw new IllegalArgumentException("warmup steps must be in [0, steps), got " + warmupSteps + " of " + steps);
        }
    }

    /** The calibrated run: AdamW 1e-3, 200 warm-up steps, batch 32; sized to finish within 10 minutes here. */
    public static SftSettings defaults() {
        return new SftSettings(2400, 32, 1e-3f, 200, 1L, 9.0);
    }

    /** The learning rate at a step (0-based), by steps alone. */
    public float learningRate(int step) {
        return learningRate(step, 0);
    }

    /**
     * The learning rate at a step (0-based) when {@code timeFraction} of the time budget is spent:
     * the cosine follows whichever is further along, the steps or the clock, so a run cut short by
     * {@code maxMinutes} still ends at the low learning rate (the price: with a time budget, runs
     * are not bit-for-bit repeatable).
     */
    public float learningRate(int step, double timeFraction) {
        if (step < warmupSteps) {
            return lr * (step + 1) / warmupSteps;
        }
        double byStep = (step - warmupSteps) / (double) Math.max(1, steps - warmupSteps - 1);
        double progress = Math.min(1.0, Math.max(byStep, timeFraction));
        return (float) (lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
    }
}
