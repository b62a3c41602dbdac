package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/**
 * An exponential moving average of a trained policy's weights (Polyak averaging): after every step
 * {@code average ← decay × average + (1 − decay) × weights}, so it weighs about the last {@code 1 / (1 − decay)}
 * steps. It starts at the weights it is made from. The trained policy is never touched: its trajectory is the same
 * with or without an average beside it.
 */
final class WeightAverage implements AutoCloseable {

    private final Policy average;
    private final float decay;

    /** @param decay in (0, 1): 0.995 weighs about the last 200 steps */
    WeightAverage(Policy start, float decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("decay=" + decay + " must be in (0, 1)");
        }
        this.average = start.copy();
        this.decay = decay;
    }

    /** Moves the average towards {@code trained}'s current weights (same architecture). */
    void update(Policy trained) {
        List<NDArray> theirs = trained.parameters();
        List<NDArray> ours = average.parameters();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < ours.size(); i++) {
                ours.get(i).muli(decay).addi(theirs.get(i).mul(1 - decay));
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** The averaged weights as a policy (owned by this object: closed with it). */
    Policy policy() {
        return average;
    }

    @Override
    public void close() {
        average.close();
    }
}
