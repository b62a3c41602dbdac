package dev.dipr1.learner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.dipr1.policy.AdamW;
import dev.dipr1.policy.Policy;

/**
 * One GRPO optimisation step on a batch, in the order of the algorithm: the frozen reference
 * policy's log-probs once, then μ times: the policy's log-probs, {@link GrpoLoss} against the
 * behaviour log-probs and the advantages, backward, one AdamW update.
 */
public final class GrpoStep {

    /**
     * What the last of the μ iterations measured.
     *
     * @param policyLoss the clipped surrogate term of the loss
     * @param kl the mean k3 KL to the reference policy
     * @param clipRatio the fraction of tokens whose ratio left [1 − ε, 1 + ε]
     * @param gradNorm the global gradient norm before clipping
     * @param entropy the mean entropy (nats per token) of the policy's next-token distributions at
     *     the batch's completion tokens, under the temperature of the loss, from the loss's own
     *     forward pass (before that iteration's update)
     */
    public record Result(double policyLoss, double kl, double clipRatio, double gradNorm, double entropy) {

        /** A result that did not measure the entropy (NaN). */
        public Result(double policyLoss, double kl, double clipRatio, double gradNorm) {
            this(policyLoss, kl, clipRatio, gradNorm, Double.NaN);
        }

        /** False when the loss or the KL is NaN or infinite: the step diverged. */
        public boolean finite() {
            return Double.isFinite(policyLoss) && Double.isFinite(kl);
        }
    }

    private final Policy policy;
    private final Policy reference;
    private final AdamW optimizer;
    private final int innerIterations;
    private final float learningRate;
    private final GrpoLoss.Settings loss;

    /**
     * @param policy the weights being trained
     * @param reference the frozen policy of the KL term
     * @param optimizer updates {@code policy}'s parameters
     * @param innerIterations μ: gradient steps on the same batch
     */
    public GrpoStep(
            Policy policy,
            Policy reference,
            AdamW optimizer,
            int innerIterations,
            float learningRate,
            GrpoLoss.Settings loss) {
        if (innerIterations < 1) {
            throw new IllegalArgumentException(
                    "a GRPO step needs at least one inner iteration, was " + innerIterations);
        }
        this.policy = policy;
        this.reference = reference;
        this.optimizer = optimizer;
        this.innerIterations = innerIterations;
        this.learningRate = learningRate;
        this.loss = loss;
    }

    /** Takes the step on a batch with at least one row and returns what its last iteration measured. */
    public Result apply(BatchTensors batch) {
        if (batch.samples() == 0) {
            throw new IllegalArgumentException("a GRPO step needs at least one completion with tokens");
        }
        float[] refLogProbs = referenceLogProbs(batch);
        Result result = null;
        for (int it = 0; it < innerIterations; it++) {
            result = iterate(batch, refLogProbs);
        }
        return result;
    }

    private float[] referenceLogProbs(BatchTensors b) {
        try (NDManager m = NDManager.newBaseManager()) {
            return reference
                    .tokenLogProbs(m, b.images(), b.imageOfRow(), b.tokens(), b.temperature())
                    .toFloatArray();
        }
    }

    private Result iterate(BatchTensors b, float[] refLogProbs) {
        try (NDManager m = NDManager.newBaseManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            GrpoLoss.Output out;
            NDArray entropy;
            NDArray mask;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                Policy.TokenLogProbs current =
                        policy.tokenLogProbsAndEntropy(m, b.images(), b.imageOfRow(), b.tokens(), b.temperature());
                NDArray logProbs = current.logProbs();
                entropy = current.entropy();
                Shape shape = logProbs.getShape();
                int t = (int) shape.get(1);
                NDArray oldLogProbs = m.create(b.oldLogProbs(t), shape);
                NDArray ref = m.create(BatchTensors.padRows(refLogProbs, b.maxLength(), t, b.samples()), shape);
                NDArray advantages = m.create(b.advantages());
                mask = GrpoLoss.mask(m, b.lengths(), t);
                out = GrpoLoss.compute(logProbs, oldLogProbs, ref, advantages, mask, loss);
                gc.backward(out.loss());
            }
            double policyLoss = out.policyLoss().getFloat();
            double kl = out.kl().getFloat();
            double clipRatio = out.clipFraction().getFloat();
            double meanEntropy =
                    entropy.mul(mask).sum().div(mask.sum().maximum(1)).getFloat();
            double gradNorm = optimizer.step(policy.parameters(), learningRate);
            return new Result(policyLoss, kl, clipRatio, gradNorm, meanEntropy);
        }
    }
}
