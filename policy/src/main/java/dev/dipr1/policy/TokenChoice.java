package dev.dipr1.policy;

import java.util.Arrays;
import java.util.Random;

/**
 * How the sampler picks the next token of a row from its logits, in Java on a few hundred
 * floats: argmax, or Gumbel-max sampling under a temperature, restricted to the top-p nucleus.
 * Each writes {token, log-prob} to {@code out}, the log-prob under the temperature-scaled FULL
 * distribution (what the learner recomputes), also when top-p cut the distribution. Pure but for
 * the {@link Random} they draw from.
 *
 * <p>Logits of row {@code r} are {@code logits[r·vocab .. r·vocab + vocab)}.
 */
final class TokenChoice {

    private TokenChoice() {}

    /** The most likely token; its log-prob at temperature 1. */
    static void greedy(float[] logits, int vocab, int row, double[] out) {
        int off = row * vocab;
        int best = 0;
        for (int i = 1; i < vocab; i++) {
            if (logits[off + i] > logits[off + best]) {
                best = i;
            }
        }
        out[0] = best;
        out[1] = logits[off + best] - logSumExp(logits, off, vocab, 1f);
    }

    /**
     * Gumbel-max: one Gumbel variate per vocabulary entry, always drawn (so a seed fixes the
     * samples whatever the nucleus), then the argmax of {@code logit / temp + gumbel} among the
     * most likely tokens whose probabilities sum to at least {@code topP} (all when {@code topP = 1}).
     */
    static void sampled(float[] logits, int vocab, int row, float temp, float topP, Random rnd, double[] out) {
        int off = row * vocab;
        double[] gumbel = new double[vocab];
        for (int i = 0; i < vocab; i++) {
            double u = rnd.nextDouble();
            gumbel[i] = -Math.log(-Math.log(u == 0 ? Double.MIN_VALUE : u));
        }
        double lse = logSumExp(logits, off, vocab, temp);
        boolean[] allowed = null;
        if (topP < 1f) {
            Integer[] order = new Integer[vocab];
            for (int i = 0; i < vocab; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Float.compare(logits[off + b], logits[off + a]));
            allowed = new boolean[vocab];
            double cum = 0;
            for (int i = 0; i < vocab && cum < topP; i++) {
                allowed[order[i]] = true;
                cum += Math.exp(logits[off + order[i]] / (double) temp - lse);
            }
        }
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            if (allowed != null && !allowed[i]) {
                continue;
            }
            double score = logits[off + i] / (double) temp + gumbel[i];
            if (best < 0 || score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        out[0] = best;
        out[1] = logits[off + best] / (double) temp - lse;
    }

    /** {@code log Σ exp(logits[off + i] / temp)} over {@code n} entries, computed stably in double. */
    static double logSumExp(float[] logits, int off, int n, float temp) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i] / (double) temp);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[off + i] / (double) temp - max);
        }
        return max + Math.log(sum);
    }
}
