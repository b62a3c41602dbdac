package dev.dipr1.learner;

import java.util.List;

/**
 * A GRPO step on validated groups gave a non-finite loss or KL: the learner's own fault (its weights
 * or optimiser state), not the records', since every group passed {@link ScoredGroupValidator}. The
 * message says what was seen and what a restart does; it names no cause it cannot know.
 */
public final class DivergedStepException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * @param step the step that diverged (the first not taken)
     * @param result what its last inner iteration measured
     * @param groupIds the groups of its batch
     * @param learningRate the AdamW learning rate in use
     */
    public DivergedStepException(long step, GrpoStep.Result result, List<String> groupIds, float learningRate) {
        super("GRPO step " + step + " gave a non-finite result: policy loss " + result.policyLoss() + ", kl "
                + result.kl() + ", grad norm " + result.gradNorm() + " at lr " + learningRate + ", on the groups "
                + groupIds + ", which had passed validation (finite rewards, bounded advantages, tokens inside"
                + " the vocabulary, behaviour log-probs in [" + ScoredGroupValidator.MIN_BEHAVIOUR_LOG_PROB
                + ", 0]). Nothing of this step was checkpointed or published: a"
                + " restart resumes from the last checkpoint and takes this step again on the same groups.");
    }
}
