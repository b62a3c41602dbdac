package dev.dipr1.policy;

/**
 * One sampled completion.
 *
 * @param tokenIds the sampled tokens, ending with {@code <eos>} when {@code finishReason == EOS}
 * @param logProbs per token, its log-probability under the behaviour policy as the learner
 *     recomputes it: {@code log softmax(logits / temperature)} of the FULL distribution (not
 *     renormalised after top-p); the same length as {@code tokenIds}
 * @param text {@link Tokenizer#decode} of the tokens (the {@code <eos>} writes nothing)
 * @param finishReason EOS or LENGTH
 */
public record SampledCompletion(int[] tokenIds, float[] logProbs, String text, FinishReason finishReason) {

    /** Sum of the per-token log-probabilities. */
    public double totalLogProb() {
        double s = 0;
        for (float v : logProbs) {
            s += v;
        }
        return s;
    }
}
