package dev.dipr1.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Supervised fine-tuning settings. Every setting is checked when the record is made, each against
 * the others where they depend on each other; a bad one fails with a message that says what to
 * change.
 *
 * @param steps optimiser steps (the cosine schedule spans them), 1 to {@value #MAX_STEPS}
 * @param batchSize scenes per step, 1 to {@value #MAX_BATCH_SIZE}
 * @param lr peak learning rate (AdamW), in (0, {@value #MAX_LR}]
 * @param warmupSteps linear warm-up from 0, then cosine decay to {@code 0.1 × lr}; in [0, steps)
 * @param seed training scenes are {@code SyntheticScenes.generate(TRAIN, seed, index)} and the
 *     flips are drawn from it too
 * @param maxMinutes stop early when this wall-clock budget is spent (≤ 0: no limit); not NaN
 */
public record SftSettings(int steps, int batchSize, float lr, int warmupSteps, long seed, double maxMinutes) {

    /** More steps than any run on this hardware could take; a larger number is a typo. */
    public static final int MAX_STEPS = 10_000_000;
    /** Scenes per step whose activations still fit a few GB of memory with the default architecture. */
    public static final int MAX_BATCH_SIZE = 1024;
    /** AdamW diverges far below this; a larger learning rate is a typo. */
    public static final float MAX_LR = 1f;

    /** The calibrated run's steps, sized to finish within {@link #DEFAULT_MAX_MINUTES} here. */
    public static final int DEFAULT_STEPS = 2400;

    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final float DEFAULT_LR = 1e-3f;
    public static final int DEFAULT_WARMUP_STEPS = 200;
    public static final long DEFAULT_SEED = 1L;
    public static final double DEFAULT_MAX_MINUTES = 9.0;

    public SftSettings {
        List<String> errors = new ArrayList<>();
        if (steps <= 0 || steps > MAX_STEPS) {
            errors.add("steps=" + steps + " must be in [1, " + MAX_STEPS + "]");
        }
        if (batchSize <= 0 || batchSize > MAX_BATCH_SIZE) {
            errors.add("batch_size=" + batchSize + " must be in [1, " + MAX_BATCH_SIZE + "]");
        }
        if (!(lr > 0 && lr <= MAX_LR)) {
            errors.add("lr=" + lr + " must be finite and in (0, " + MAX_LR + "]");
        }
        if (warmupSteps < 0 || warmupSteps >= steps) {
            errors.add("warmup_steps=" + warmupSteps + " must be in [0, steps=" + steps + "): lower it or raise steps");
        }
        if (Double.isNaN(maxMinutes)) {
            errors.add("max_minutes is NaN: give a number of minutes, or 0 for no limit");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid SFT settings: " + String.join("; ", errors));
        }
    }

    /**
     * The calibrated run: AdamW at {@value #DEFAULT_LR} after {@value #DEFAULT_WARMUP_STEPS} warm-up
     * steps, batch {@value #DEFAULT_BATCH_SIZE}, {@value #DEFAULT_STEPS} steps or
     * {@value #DEFAULT_MAX_MINUTES} minutes.
     */
    public static SftSettings defaults() {
        return new SftSettings(
                DEFAULT_STEPS, DEFAULT_BATCH_SIZE, DEFAULT_LR, DEFAULT_WARMUP_STEPS, DEFAULT_SEED, DEFAULT_MAX_MINUTES);
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
