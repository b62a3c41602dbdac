package dev.dipr1.learner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The GRPO objective of DIP-R1 as a pure function: a token-level clipped surrogate against the
 * behaviour policy plus a KL penalty to the frozen reference policy (k3 estimator).
 *
 * <pre>
 * ratio    = exp(logp − old_logp)
 * surrogate = min(ratio · A, clip(ratio, 1 − ε, 1 + ε) · A)
 * kl       = exp(ref − logp) − (ref − logp) − 1            (k3, ≥ 0)
 * loss     = Σ mask · (−surrogate + β · kl) / max(1, Σ mask)
 * </pre>
 *
 * Every token of the batch weighs the same (token-level normalisation), so long completions are
 * not diluted per sequence.
 */
public final class GrpoLoss {

    private GrpoLoss() {}

    /**
     * @param clipEpsilon ε of the clipped ratio, in (0, 1)
     * @param beta weight of the KL to the reference policy, in [0, {@value #MAX_BETA}]
     */
    public record Settings(float clipEpsilon, float beta) {

        public static final float DEFAULT_CLIP_EPSILON = 0.2f;
        public static final float DEFAULT_BETA = 0.04f;
        /** A KL weight above this drowns the advantage term: the policy stops learning. */
        public static final float MAX_BETA = 1f;

        public Settings {
            if (!(clipEpsilon > 0 && clipEpsilon < 1)) {
                throw new IllegalArgumentException(
                        "--clip-epsilon must be in (0, 1), was " + clipEpsilon + ": try " + DEFAULT_CLIP_EPSILON);
            }
            if (!(beta >= 0 && beta <= MAX_BETA)) {
                throw new IllegalArgumentException("--beta must be in [0, " + MAX_BETA + "], was " + beta
                        + ": use 0 for no KL penalty or try " + DEFAULT_BETA);
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_CLIP_EPSILON, DEFAULT_BETA);
        }
    }

    /** The loss (differentiable) and its parts (for metrics), all scalars. */
    public record Output(NDArray loss, NDArray policyLoss, NDArray kl, NDArray clipFraction) {}

    /**
     * @param logProbs log-probs of the sampled tokens under the current weights, [N, T]
     * @param oldLogProbs the behaviour log-probs recorded by the generator, [N, T]
     * @param refLogProbs log-probs under the frozen reference policy, [N, T]
     * @param advantages one advantage per completion, [N]
     * @param mask 1 for real tokens, 0 for padding, [N, T]
     */
    public static Output compute(
            NDArray logProbs, NDArray oldLogProbs, NDArray refLogProbs, NDArray advantages, NDArray mask, Settings s) {
        NDArray a = advantages.expandDims(1);
        NDArray ratio = logProbs.sub(oldLogProbs).exp();
        NDArray unclipped = ratio.mul(a);
        NDArray clipped = ratio.clip(1 - s.clipEpsilon(), 1 + s.clipEpsilon()).mul(a);
        NDArray surrogate = unclipped.minimum(clipped);
        NDArray delta = refLogProbs.sub(logProbs);
        NDArray kl = delta.exp().sub(delta).sub(1);
        NDArray tokens = mask.sum().maximum(1);
        NDArray policyLoss = surrogate.neg().mul(mask).sum().div(tokens);
        NDArray klMean = kl.mul(mask).sum().div(tokens);
        NDArray loss = policyLoss.add(klMean.mul(s.beta()));
        NDArray outside = ratio.sub(1).abs().gt(s.clipEpsilon()).toType(mask.getDataType(), false);
        NDArray clipFraction = outside.mul(mask).sum().div(tokens);
        return new Output(loss, policyLoss, klMean, clipFraction);
    }

    /** A [N, T] 0/1 mask of the first {@code lengths[i]} positions of each row. */
    public static NDArray mask(ai.djl.ndarray.NDManager m, int[] lengths, int t) {
        float[] v = new float[lengths.length * t];
        for (int i = 0; i < lengths.length; i++) {
            for (int j = 0; j < Math.min(lengths[i], t); j++) {
                v[i * t + j] = 1f;
            }
        }
        return m.create(v, new ai.djl.ndarray.types.Shape(lengths.length, t)).toType(DataType.FLOAT32, false);
    }
}
