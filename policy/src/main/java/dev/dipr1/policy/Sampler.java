package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

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
        Chooser chooser = (logits, vocab, row, out) ->
                TokenChoice.sampled(logits, vocab, row, s.temperature(), s.topP(), rnd, out);
        return decode(policy, new float[][] {imageChw}, g, s.maxTokens(), cached, stopAtEos, chooser);
    }

    /**
     * The G samples of each of several images in one KV-cached decoding batch of {@code images × g}
     * rows: the generator's multi-prompt decoding. Image {@code p} has its own sampling stream,
     * seeded by {@code settings.get(p).seed()} and drawn only by its own G rows in the same order as
     * {@link #sample}, so its samples are those {@code sample(policy, images.get(p), g,
     * settings.get(p))} makes whatever other images share the batch (up to float rounding of the
     * batched logits, which may flip a near-tie). The batch runs until its longest row has
     * finished; rows already finished are fed {@code <pad>}.
     *
     * @param settings one per image; they must agree on temperature, top-p and token budget
     * @return one list of {@code g} completions per image, in the order of {@code images}
     */
    public List<List<SampledCompletion>> sampleGroups(
            Policy policy, List<float[]> images, int g, List<SamplingSettings> settings) {
        return sampleGroups(policy, images, g, settings, true);
    }

    /** For benchmarks: {@code stopAtEos = false} decodes all {@code maxTokens} tokens of every row. */
    List<List<SampledCompletion>> sampleGroups(
            Policy policy, List<float[]> images, int g, List<SamplingSettings> settings, boolean stopAtEos) {
        if (images.isEmpty() || images.size() != settings.size()) {
            throw new IllegalArgumentException(
                    images.size() + " images and " + settings.size() + " sampling settings: give one per image");
        }
        if (g <= 0 || (long) g * images.size() > MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("G=" + g + " for " + images.size()
                    + " images must be positive and at most " + MAX_GROUP_SIZE + " rows in all");
        }
        SamplingSettings first = settings.get(0);
        Random[] streams = new Random[images.size()];
        for (int p = 0; p < streams.length; p++) {
            SamplingSettings s = settings.get(p);
            if (s.temperature() != first.temperature()
                    || s.topP() != first.topP()
                    || s.maxTokens() != first.maxTokens()) {
                throw new IllegalArgumentException("the images of one batch must share temperature, top-p and "
                        + "max tokens; image " + p + " has " + s + ", image 0 " + first);
            }
            streams[p] = new Random(s.seed());
        }
        Chooser chooser = (logits, vocab, row, out) ->
                TokenChoice.sampled(logits, vocab, row, first.temperature(), first.topP(), streams[row / g], out);
        List<SampledCompletion> rows = decode(
                policy, images.toArray(new float[0][]), images.size() * g, first.maxTokens(), true, stopAtEos, chooser);
        List<List<SampledCompletion>> groups = new ArrayList<>(images.size());
        for (int p = 0; p < images.size(); p++) {
            groups.add(List.copyOf(rows.subList(p * g, (p + 1) * g)));
        }
        return groups;
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
            out.addAll(decode(
                    policy, chunk.toArray(new float[0][]), chunk.size(), budget, true, true, TokenChoice::greedy));
        }
        return out;
    }

    @FunctionalInterface
    private interface Chooser {
        /** Picks row {@code row}'s token from {@code logits[row*vocab ..]}; writes {token, logProb} to out. */
        void choose(float[] logits, int vocab, int row, double[] out);
    }

    private static List<SampledCompletion> decode(
            Policy policy,
            float[][] images,
            int rows,
            int maxTokens,
            boolean cached,
            boolean stopAtEos,
            Chooser chooser) {
        Tokenizer tok = policy.tokenizer();
        int[] prompt = tok.promptIds();
        int budget = Math.min(maxTokens, policy.config().maxSeqLen() - prompt.length + 1);
        Completions done = new Completions(rows, budget, stopAtEos);
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager();
                NDScope outer = new NDScope()) {
            outer.suppressNotUsedWarning();
            NDArray[][] cross = rowsPerImage(policy.crossKeysValues(policy.encode(m, images)), images.length, rows);
            NextLogits next = cached
                    ? new CachedLogits(policy, m, policy.newCache(m, rows, cross), prompt.length)
                    : new RecomputedLogits(policy, m, cross, prompt, rows, budget);
            float[] logits = inStepScope(() -> next.afterPrompt(InputPacking.promptRows(prompt, rows, prompt.length)));
            for (int k = 0; k < budget; k++) {
                long[] feed = done.choose(k, logits, tok.vocabSize(), chooser);
                if (done.allFinished() || k == budget - 1) {
                    break;
                }
                int position = k;
                logits = inStepScope(() -> next.after(feed, position));
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return done.completions(tok);
    }

    /**
     * The cross-attention keys/values of {@code images} images for {@code rows} rows: as they are
     * for one image (broadcast over the rows) or one per row; each image's repeated for its
     * {@code rows / images} consecutive rows otherwise (several prompts' groups in one batch).
     */
    private static NDArray[][] rowsPerImage(NDArray[][] cross, int images, int rows) {
        if (images == 1 || images == rows) {
            return cross;
        }
        int perImage = rows / images;
        NDArray[][] out = new NDArray[cross.length][];
        for (int l = 0; l < cross.length; l++) {
            out[l] = new NDArray[cross[l].length];
            for (int i = 0; i < cross[l].length; i++) {
                out[l][i] = cross[l][i].repeat(0, perImage);
            }
        }
        return out;
    }

    /** Runs one decoding step in its own scope, so its intermediate arrays are freed right after. */
    private static float[] inStepScope(Supplier<float[]> step) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return step.get();
        }
    }

    /** The logits [rows, V] of the next position of every row. */
    private interface NextLogits {
        /** After feeding the prompt ({@code rows × prompt} ids). */
        float[] afterPrompt(long[] promptIds);

        /** After feeding completion token {@code k} of every row ({@code feed}, one per row). */
        float[] after(long[] feed, int k);
    }

    /** Feeds only the new tokens; keys and values of earlier positions come from the cache. */
    private record CachedLogits(Policy policy, NDManager m, KvCache cache, int promptLength) implements NextLogits {
        @Override
        public float[] afterPrompt(long[] promptIds) {
            return policy.decodeCached(m, cache, promptIds, promptLength, 0);
        }

        @Override
        public float[] after(long[] feed, int k) {
            return policy.decodeCached(m, cache, feed, 1, promptLength + k);
        }
    }

    /** Recomputes every row's whole prefix each step (the reference the cache is tested against). */
    private static final class RecomputedLogits implements NextLogits {
        private final Policy policy;
        private final NDManager m;
        private final NDArray[][] cross;
        private final int rows;
        private final int promptLength;
        private final int width;
        /** Every row's sequence so far: [rows, prompt + budget]. */
        private final long[] seq;

        RecomputedLogits(Policy policy, NDManager m, NDArray[][] cross, int[] prompt, int rows, int budget) {
            this.policy = policy;
            this.m = m;
            this.cross = cross;
            this.rows = rows;
            this.promptLength = prompt.length;
            this.width = prompt.length + budget;
            this.seq = InputPacking.promptRows(prompt, rows, width);
        }

        @Override
        public float[] afterPrompt(long[] promptIds) {
            return policy.decodeUncached(m, cross, promptIds, rows, promptLength);
        }

        @Override
        public float[] after(long[] feed, int k) {
            int len = promptLength + k + 1;
            long[] ids = new long[rows * len];
            for (int r = 0; r < rows; r++) {
                seq[r * width + promptLength + k] = feed[r];
                System.arraycopy(seq, r * width, ids, r * len, len);
            }
            return policy.decodeUncached(m, cross, ids, rows, len);
        }
    }

    /** The completions being decoded: tokens, log-probs and whether each row has finished. */
    private static final class Completions {
        private final int[][] tokens;
        private final float[][] logps;
        private final int[] lengths;
        private final boolean[] finished;
        private final boolean stopAtEos;
        private final double[] choice = new double[2];

        Completions(int rows, int budget, boolean stopAtEos) {
            tokens = new int[rows][budget];
            logps = new float[rows][budget];
            lengths = new int[rows];
            finished = new boolean[rows];
            this.stopAtEos = stopAtEos;
        }

        /**
         * Chooses token {@code k} of every row (the chooser runs for finished rows too, so a seed
         * fixes the samples); returns what to feed next: the token, or {@code <pad>} after the end.
         */
        long[] choose(int k, float[] logits, int vocab, Chooser chooser) {
            long[] feed = new long[finished.length];
            for (int r = 0; r < finished.length; r++) {
                chooser.choose(logits, vocab, r, choice);
                int t = (int) choice[0];
                if (finished[r]) {
                    feed[r] = Tokenizer.PAD;
                    continue;
                }
                tokens[r][k] = t;
                logps[r][k] = (float) choice[1];
                lengths[r] = k + 1;
                feed[r] = t;
                finished[r] = t == Tokenizer.EOS && stopAtEos;
            }
            return feed;
        }

        boolean allFinished() {
            for (boolean f : finished) {
                if (!f) {
                    return false;
                }
            }
            return true;
        }

        List<SampledCompletion> completions(Tokenizer tok) {
            List<SampledCompletion> out = new ArrayList<>(finished.length);
            for (int r = 0; r < finished.length; r++) {
                int[] ids = Arrays.copyOf(tokens[r], lengths[r]);
                FinishReason reason = finished[r] ? FinishReason.EOS : FinishReason.LENGTH;
                out.add(new SampledCompletion(ids, Arrays.copyOf(logps[r], lengths[r]), tok.decode(ids), reason));
            }
            return out;
        }
    }
}
