package dev.dipr1.policy;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.dipr1.common.AtomicFiles;
import dev.dipr1.policy.InputPacking.TeacherForcing;
import dev.dipr1.policy.TensorCodec.NamedTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy: an image encoder ({@link ImageEncoder}) and a transformer decoder over
 * {@link Tokenizer} tokens ({@link TextDecoder}), whose weights are plain named NDArrays
 * ({@link ParameterLayout}) in one long-lived {@link NDManager}, so that training
 * ({@link #tokenLogProbs}), cached decoding ({@link Sampler}) and checkpoints
 * ({@link CheckpointCodec}) share one set of weights. This class is the facade the services use.
 *
 * <p>Memory: every method that computes opens an {@link NDScope}; intermediate arrays are freed
 * when it returns. Nothing is added to the policy's own manager after construction.
 *
 * <p>Threads: reading methods may run concurrently with each other, not with an optimiser step.
 * libtorch's grad mode is per thread: {@link Sampler} switches it off itself; a caller of
 * {@link #tokenLogProbs} decides (inside a {@code GradientCollector} to train, outside for
 * reference log-probs).
 */
public final class Policy implements AutoCloseable {

    /** First bytes of every checkpoint. */
    public static final String MAGIC = "DIPR1POL";
    /** Layout version of {@link #toBytes()}; a different one is refused on load. */
    public static final int FORMAT_VERSION = 1;

    private final PolicyConfig config;
    private final Tokenizer tokenizer;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    private final ImageEncoder encoder;
    private final TextDecoder decoder;
    private volatile long version;
    private volatile boolean closed;

    private Policy(PolicyConfig config, Map<String, float[]> values, long version) {
        DjlEnvironment.init();
        this.config = config;
        this.tokenizer = new Tokenizer(config.imageSize());
        this.version = version;
        this.manager = NDManager.newBaseManager();
        for (Map.Entry<String, Shape> e :
                ParameterLayout.shapes(config, tokenizer.vocabSize()).entrySet()) {
            NDArray a = manager.create(values.get(e.getKey()), e.getValue());
            NDScope.unregister(a);
            a.setRequiresGradient(true);
            params.put(e.getKey(), a);
        }
        Layers layers = new Layers(params, config.dModel());
        Attention attention = new Attention(manager, layers, config);
        this.decoder = new TextDecoder(manager, config, layers, attention);
        this.encoder = new ImageEncoder(manager, config, layers, attention);
    }

    // ------------------------------------------------------------------ construction and checkpoints

    /** A freshly initialised policy; the same seed gives the same weights. */
    public static Policy initialise(PolicyConfig config, long seed) {
        int vocab = new Tokenizer(config.imageSize()).vocabSize();
        return new Policy(config, ParameterLayout.initialValues(config, vocab, seed), 0);
    }

    /** Loads a checkpoint written by {@link #save}; its config is taken as it is. */
    public static Policy load(Path path) throws IOException {
        return fromBytes(Files.readAllBytes(path));
    }

    /**
     * Loads a checkpoint and checks that it was written with the {@code expected} architecture.
     *
     * @throws IncompatibleCheckpointException whose message names every differing setting, e.g.
     *     {@code checkpoint d_model=256 but code expects d_model=128}
     */
    public static Policy load(Path path, PolicyConfig expected) throws IOException {
        return fromBytes(Files.readAllBytes(path), expected);
    }

    /** See {@link #load(Path, PolicyConfig)}. */
    public static Policy fromBytes(byte[] bytes, PolicyConfig expected) {
        CheckpointCodec.Checkpoint c = CheckpointCodec.decode(bytes);
        requireSameArchitecture(c.config(), expected);
        return new Policy(c.config(), c.values(), c.version());
    }

    /**
     * Reads {@link #toBytes()}'s form.
     *
     * @throws IncompatibleCheckpointException when the bytes are not a checkpoint, are corrupt,
     *     have another format version, another vocabulary or parameters that do not fit the config
     */
    public static Policy fromBytes(byte[] bytes) {
        CheckpointCodec.Checkpoint c = CheckpointCodec.decode(bytes);
        return new Policy(c.config(), c.values(), c.version());
    }

    /** The checkpoint (format in {@link CheckpointCodec}): config, vocabulary, version, every parameter, CRC-32. */
    public byte[] toBytes() {
        ensureOpen();
        List<NamedTensor> tensors = new ArrayList<>(params.size());
        params.forEach((name, a) -> tensors.add(new NamedTensor(name, a.getShape(), a.toFloatArray())));
        return CheckpointCodec.encode(config, tokenizer.vocabulary(), version, tensors);
    }

    /** Writes {@link #toBytes()} to a temporary file beside {@code path}, then renames it atomically. */
    public void save(Path path) throws IOException {
        AtomicFiles.write(path, toBytes());
    }

    /** An independent deep copy (same weights, same version), e.g. the frozen reference for KL. */
    public Policy copy() {
        ensureOpen();
        Map<String, float[]> values = new LinkedHashMap<>();
        params.forEach((k, v) -> values.put(k, v.toFloatArray()));
        return new Policy(config, values, version);
    }

    /** Overwrites this policy's weights with another's (same config), e.g. to hot-swap in place. */
    public void copyWeightsFrom(Policy other) {
        requireSameArchitecture(other.config, config);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            e.getValue().set(other.params.get(e.getKey()).toFloatArray());
        }
        version = other.version;
    }

    private static void requireSameArchitecture(PolicyConfig actual, PolicyConfig expected) {
        List<String> diffs = actual.differencesTo(expected);
        if (!diffs.isEmpty()) {
            throw new IncompatibleCheckpointException(String.join("; ", diffs));
        }
    }

    // ------------------------------------------------------------------ accessors

    /** The architecture. */
    public PolicyConfig config() {
        return config;
    }

    /** The vocabulary of this architecture's image size. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The policy version written into checkpoints; 0 when initialised. */
    public long version() {
        return version;
    }

    /** Sets {@link #version()}. */
    public void setVersion(long version) {
        this.version = version;
    }

    /** Number of trainable floats. */
    public long parameterCount() {
        return params.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** The trainable parameters in a fixed order (the order of {@link #parameterNames()}). */
    public List<NDArray> parameters() {
        return List.copyOf(params.values());
    }

    /** Parameter names in checkpoint order ({@link ParameterLayout}). */
    public List<String> parameterNames() {
        return List.copyOf(params.keySet());
    }

    /** Number of NDArrays attached to the policy's own manager (constant unless something leaks). */
    public int liveArrays() {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("policy is closed");
        }
    }

    // ------------------------------------------------------------------ the pieces the sampler drives

    /** Images [B] of CHW floats in [0, 1] → the encoder's output [B, grid², d]. */
    NDArray encode(NDManager m, float[][] imagesChw) {
        return encoder.encode(encoder.imageArray(m, imagesChw));
    }

    /** See {@link TextDecoder#crossKeysValues}. */
    NDArray[][] crossKeysValues(NDArray memory) {
        return decoder.crossKeysValues(memory);
    }

    KvCache newCache(NDManager m, long rows, NDArray[][] cross) {
        return new KvCache(m, config, rows, cross);
    }

    /** See {@link TextDecoder#decodeCached}. */
    float[] decodeCached(NDManager m, KvCache cache, long[] ids, int len, int start) {
        return decoder.decodeCached(m, cache, ids, len, start);
    }

    /** See {@link TextDecoder#decodeUncached}. */
    float[] decodeUncached(NDManager m, NDArray[][] crossKv, long[] ids, long rows, int len) {
        return decoder.decodeUncached(m, crossKv, ids, rows, len);
    }

    // ------------------------------------------------------------------ log-probs for training

    /**
     * Per-token log-probabilities of completions under the policy, by teacher forcing in one
     * forward pass: entry [b, t] = log p(completion[b][t] | image b, prompt, completion[b][<t]) under
     * {@code softmax(logits / temperature)} (the full distribution, no top-p), 0 beyond the end of
     * completion b. T = the longest completion. Differentiable with respect to
     * {@link #parameters()} when called inside a {@code GradientCollector}.
     *
     * @param m the manager the result is attached to (intermediates are freed before returning;
     *     the autograd graph keeps what backward needs)
     * @param imagesChw one image per completion, or a single image shared by all completions
     * @param completionTokens completions, each ending with {@code <eos>} when it finished
     */
    public NDArray tokenLogProbs(NDManager m, float[][] imagesChw, int[][] completionTokens, float temperature) {
        return tokenLogProbs(m, imagesChw, null, completionTokens, temperature, false)
                .logProbs();
    }

    /**
     * As {@link #tokenLogProbs(NDManager, float[][], int[][], float)} for completions that share images (a GRPO batch:
     * G completions per prompt image): each distinct image is encoded once, and completion {@code i} cross-attends to
     * image {@code imageOfRow[i]}. The same log-probs as passing every completion its own copy of its image, and the
     * same gradients up to float rounding (the copies' gradients are summed by the gather's backward instead of by
     * the encoder's), for a G-th of the encoder's work.
     *
     * @param imagesChw the distinct images
     * @param imageOfRow for each completion, the index of its image in {@code imagesChw}
     */
    public NDArray tokenLogProbs(
            NDManager m, float[][] imagesChw, int[] imageOfRow, int[][] completionTokens, float temperature) {
        java.util.Objects.requireNonNull(imageOfRow, "imageOfRow: one image index per completion");
        return tokenLogProbs(m, imagesChw, imageOfRow, completionTokens, temperature, false)
                .logProbs();
    }

    /**
     * Per-token log-probs (differentiable, as {@link #tokenLogProbs}) and the entropy of the next-token distribution at each position.
     *
     * @param logProbs [b, T], as {@link #tokenLogProbs}
     * @param entropy [b, T]: {@code −Σ_v p(v) log p(v)} in nats of {@code softmax(logits / temperature)} at each completion position, 0
     *     beyond the end of a completion; no gradient flows through it
     */
    public record TokenLogProbs(NDArray logProbs, NDArray entropy) {}

    /**
     * {@link #tokenLogProbs} and the per-token entropy of the same distributions, from the same forward pass (the entropy costs a few
     * element-wise operations on the logits, no second pass).
     */
    public TokenLogProbs tokenLogProbsAndEntropy(
            NDManager m, float[][] imagesChw, int[][] completionTokens, float temperature) {
        return tokenLogProbs(m, imagesChw, null, completionTokens, temperature, true);
    }

    /**
     * {@link #tokenLogProbsAndEntropy} for completions that share images, as
     * {@link #tokenLogProbs(NDManager, float[][], int[], int[][], float)}.
     */
    public TokenLogProbs tokenLogProbsAndEntropy(
            NDManager m, float[][] imagesChw, int[] imageOfRow, int[][] completionTokens, float temperature) {
        java.util.Objects.requireNonNull(imageOfRow, "imageOfRow: one image index per completion");
        return tokenLogProbs(m, imagesChw, imageOfRow, completionTokens, temperature, true);
    }

    /** Whether the images fit the completions: one each, one for all, or as {@code imageOfRow} names them. */
    private static void checkImages(float[][] imagesChw, int[] imageOfRow, int[][] completionTokens) {
        int b = completionTokens.length;
        if (imageOfRow == null) {
            if (imagesChw.length != b && imagesChw.length != 1) {
                throw new IllegalArgumentException(
                        imagesChw.length + " images for " + b + " completions: give one per completion or one for all");
            }
            return;
        }
        if (imageOfRow.length != b) {
            throw new IllegalArgumentException(
                    imageOfRow.length + " image indices for " + b + " completions: give one per completion");
        }
        for (int i = 0; i < imageOfRow.length; i++) {
            if (imageOfRow[i] < 0 || imageOfRow[i] >= imagesChw.length) {
                throw new IllegalArgumentException("completion " + i + " names image " + imageOfRow[i] + " of "
                        + imagesChw.length + ": an index must be in [0, " + imagesChw.length + ")");
            }
        }
    }

    /** @param imageOfRow null: one image per completion, or one for all */
    private TokenLogProbs tokenLogProbs(
            NDManager m,
            float[][] imagesChw,
            int[] imageOfRow,
            int[][] completionTokens,
            float temperature,
            boolean withEntropy) {
        ensureOpen();
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        int b = completionTokens.length;
        checkImages(imagesChw, imageOfRow, completionTokens);
        int[] prompt = tokenizer.promptIds();
        TeacherForcing batch = TeacherForcing.of(prompt, completionTokens);
        int len = batch.len();
        int tMax = batch.tMax();
        if (len > config.maxSeqLen()) {
            throw new IllegalArgumentException(
                    "prompt + completion of " + (len + 1) + " tokens exceeds max_seq_len=" + config.maxSeqLen());
        }
        NDArray result;
        NDArray entropy = null;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray memory = encode(m, imagesChw);
            NDArray ids = Layers.owned(m.create(batch.input(), new Shape(b, len)));
            NDArray[][] cross = decoder.crossKeysValues(memory);
            if (imageOfRow != null) {
                cross = rowsOf(m, cross, imageOfRow);
            }
            NDArray hidden = decoder.hidden(ids, cross);
            NDArray h = hidden.get(new NDIndex(":, {}:{}, :", prompt.length - 1, len));
            NDArray logp =
                    decoder.logits(h).div(Layers.owned(m.create(temperature))).logSoftmax(-1);
            NDArray picked = logp.gather(Layers.owned(m.create(batch.target(), new Shape(b, tMax, 1))), 2)
                    .reshape(b, tMax);
            NDArray mask = Layers.owned(m.create(batch.mask(), new Shape(b, tMax)));
            result = picked.mul(mask);
            NDScope.unregister(result);
            if (withEntropy) {
                NDArray detached = logp.stopGradient();
                entropy = detached.exp().mul(detached).sum(new int[] {2}).neg().mul(mask);
                NDScope.unregister(entropy);
            }
        }
        result.attach(m);
        if (entropy != null) {
            entropy.attach(m);
        }
        return new TokenLogProbs(result, entropy);
    }

    /**
     * {@link #tokenLogProbs} without gradients (grad mode off on this thread for the call), as
     * Java arrays trimmed to each completion's length: for reference-policy log-probs (KL) and
     * checks.
     */
    public float[][] tokenLogProbsNoGrad(float[][] imagesChw, int[][] completionTokens, float temperature) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] flat = tokenLogProbs(m, imagesChw, null, completionTokens, temperature, false)
                    .logProbs()
                    .toFloatArray();
            int tMax = completionTokens.length == 0 ? 0 : flat.length / completionTokens.length;
            float[][] out = new float[completionTokens.length][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * tMax, i * tMax + completionTokens[i].length);
            }
            return out;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /**
     * The cross-attention keys/values of each image, taken for each completion from its image's. (The sampler keeps
     * its own {@code repeat} for groups of equal size: decoding through this gather's output was ~20% slower.)
     */
    private static NDArray[][] rowsOf(NDManager m, NDArray[][] perImage, int[] imageOfRow) {
        long[] index = new long[imageOfRow.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = imageOfRow[i];
        }
        NDArray rows = Layers.owned(m.create(index));
        NDArray[][] out = new NDArray[perImage.length][];
        for (int l = 0; l < perImage.length; l++) {
            out[l] = new NDArray[perImage[l].length];
            for (int i = 0; i < perImage[l].length; i++) {
                out[l][i] = perImage[l][i].get(new NDIndex("{}", rows));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Policy[version=" + version + ", params=" + parameterCount() + ", " + config + "]";
    }
}
