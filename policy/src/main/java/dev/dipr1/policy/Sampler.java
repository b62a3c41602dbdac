package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Batched autoregressive decoding with a KV cache.
 *
 * <p>The image is encoded once; the cross-attention keys/values of the image grid are computed
 * once per decoder layer; the prompt is pre-filled in one pass; then each step feeds one token per
 * row and appends its keys/values to a cache pre-allocated for {@code max_seq_len} positions.
 *
 * <p>Sampling is done in Java on the step's logits ({@link TokenChoice}): Gumbel-max with
 * noise from a {@link Random} seeded by {@link SamplingSettings#seed()} — one Gumbel variate per
 * vocabulary entry per row per step, drawn whether or not the row has finished, so a seed fixes
 * the samples — restricted to the top-p nucleus when {@code topP < 1}. The recorded log-prob of a
 * token is under the temperature-scaled FULL distribution (what the learner recomputes with
 * {@link Policy#tokenLogProbs}); with top-p it is therefore not the probability the token was
 * actually drawn with.
 *
 * <p>Rows that emitted {@code <eos>} are fed {@code <pad>} until every row has finished or the
 * budget is spent. Stateless and thread-safe; libtorch's grad mode is switched off on the calling
 * thread for the duration of a call.
 */
public final class Sampler {

    /** Greedy decoding works on at most this many images at once. */
    public static final int GREEDY_CHUNK = 64;
    /** The most samples of one image per call: the rows of one decoding batch. */
    public static final int MAX_GROUP_SIZE = 1024;

    /** G samples for one image, with the KV cache. */
    public List<SampledCompletion> sample(Policy policy, float[] imageChw, int g, SamplingSettings s) {
        return sample(policy, imageChw, g, s, true);
    }

    /** The same samples as {@link #sample} (same seed → same tokens), recomputing the whole prefix each step. */
    public List<SampledCompletion> sampleWithoutCache(Policy policy, float[] imageChw, int g, SamplingSettings s) {
        return sample(policy, imageChw, g, s, false);
    }

    private List<SampledCompletion> sample(Policy policy, float[] imageChw, int g, SamplingSettings s, boolean cached) {
        return sample(policy, imageChw, g, s, cached, true);
    }

    /** For benchmarks: {@code stopAtEos = false} decodes all {@code maxTokens} tokens of every row. */
    List<SampledCompletion> sample(
            Policy policy, float[] imageChw, int g, SamplingSettings s, boolean cached, boolean stopAtEos) {
        if (g <= 0 || g > MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("G=" + g + " must be in [1, " + MAX_GROUP_SIZE + "]: samples per image");
        }
        Random rnd = new Random(s.seed());
        Chooser chooser = (logits, vocab, row, out) -> TokenChoice.sampled(logits, vocab, row, s.temperature(), s.topP(), rnd, out);
        return decode(policy, new float[][] {imageChw}, g, s.maxTokens(), cached, stopAtEos, chooser);
    }

    /** Greedy (argmax) completions, one per image, batched and KV-cached: the evaluation decoder. */
    public List<String> greedy(Policy policy, List<float[]> images) {
        List<String> out = new ArrayList<>();
        for (SampledCompletion c : greedyCompletions(policy, images)) {
            out.add(c.text());
        }
        return out;
    }

    /** Greedy completions with tokens; log-probs at temperature 1. */
    public List<SampledCompletion> greedyCompletions(Policy policy, List<float[]> images) {
        List<SampledCompletion> out = new ArrayList<>();
        int budget = policy.config().maxSeqLen();
        for (int from = 0; from < images.size(); from += GREEDY_CHUNK) {
            List<float[]> chunk = images.subList(from, Math.min(images.size(), from + GREEDY_CHUNK));
            out.addAll(decode(policy, chunk.toArray(new float[0][]), chunk.size(), budget, true, true, TokenChoice::greedy));
        }
        return out;
    }

    @FunctionalInterface
    private interface Chooser {
        /** Picks row {@code row}'s token from {@code logits[row*vocab ..]}; writes {token, logProb} to out. */
        void choose(float[] logits, int vocab, int row, double[] out);
    }

    private static List<SampledCompletion> decode(
            Policy policy, float[][] images, int rows, int maxTokens, boolean cached, boolean stopAtEos, Chooser chooser) {
        Tokenizer tok = policy.tokenizer();
        int vocab = tok.vocabSize();
        int[] prompt = tok.promptIds();
        int plen = prompt.length;
        int budget = Math.min(maxTokens, policy.config().maxSeqLen() - plen + 1);
        int[][] tokens = new int[rows][budget];
        float[][] logps = new float[rows][budget];
        int[] lengths = new int[rows];
        boolean[] finished = new boolean[rows];
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager();
                NDScope outer = new NDScope()) {
            outer.suppressNotUsedWarning();
            NDArray memory = policy.encode(m, images);
            NDArray[][] cross = policy.crossKeysValues(memory);
            KvCache cache = cached ? policy.newCache(m, rows, cross) : null;
            long[] seq = InputPacking.promptRows(prompt, rows, plen + budget);
            float[] logits;
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                long[] ids = InputPacking.promptRows(prompt, rows, plen);
                logits = cached
                        ? policy.decodeCached(m, cache, ids, plen, 0)
                        : policy.decodeUncached(m, cross, ids, rows, plen);
            }
            double[] choice = new double[2];
            for (int k = 0; k < budget; k++) {
                long[] feed = new long[rows];
                boolean all = true;
                for (int r = 0; r < rows; r++) {
                    chooser.choose(logits, vocab, r, choice);
                    int t = (int) choice[0];
                    if (!finished[r]) {
                        tokens[r][k] = t;
                        logps[r][k] = (float) choice[1];
                        lengths[r] = k + 1;
                        feed[r] = t;
                        if (t == Tokenizer.EOS && stopAtEos) {
                            finished[r] = true;
                        }
                    } else {
                        feed[r] = Tokenizer.PAD;
                    }
                    seq[r * (plen + budget) + plen + k] = feed[r];
                    all &= finished[r];
                }
                if (all || k == budget - 1) {
                    break;
                }
                try (NDScope step = new NDScope()) {
                    step.suppressNotUsedWarning();
                    if (cached) {
                        logits = policy.decodeCached(m, cache, feed, 1, plen + k);
                    } else {
                        int len = plen + k + 1;
                        long[] ids = new long[rows * len];
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(seq, r * (plen + budget), ids, r * len, len);
                        }
                        logits = policy.decodeUncached(m, cross, ids, rows, len);
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        List<SampledCompletion> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            int[] ids = Arrays.copyOf(tokens[r], lengths[r]);
            FinishReason reason = finished[r] ? FinishReason.EOS : FinishReason.LENGTH;
            out.add(new SampledCompletion(ids, Arrays.copyOf(logps[r], lengths[r]), tok.decode(ids), reason));
        }
        return out;
    }
}
