package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * The policy: an image encoder (conv stem + transformer over the feature grid) and a transformer
 * decoder over {@link Tokenizer} tokens, held as plain named NDArrays in one long-lived
 * {@link NDManager} and written with NDArray operations, so that training
 * ({@link #tokenLogProbs}), cached decoding ({@link Sampler}) and checkpoints share one set of
 * weights.
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

    private static final float LN_EPS = 1e-5f;
    private static final float NEG_INF = -1e9f;

    private final PolicyConfig config;
    private final Tokenizer tokenizer;
    private final NDManager manager;
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    private final NDArray causalMask;
    /** Scalar constants of the forward pass, long-lived (see {@link #constant}). */
    private final NDArray attentionScale;
    private final NDArray half;
    private final NDArray two;
    private final Map<Long, NDArray[]> groupNormUnit = new LinkedHashMap<>();
    private volatile long version;
    private volatile boolean closed;

    private Policy(PolicyConfig config, Map<String, float[]> values, long version) {
        DjlEnvironment.init();
        this.config = config;
        this.tokenizer = new Tokenizer(config.imageSize());
        this.version = version;
        this.manager = NDManager.newBaseManager();
        Map<String, Shape> shapes = parameterShapes(config, tokenizer.vocabSize());
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            NDArray a = manager.create(values.get(e.getKey()), e.getValue());
            NDScope.unregister(a);
            a.setRequiresGradient(true);
            params.put(e.getKey(), a);
        }
        int l = config.maxSeqLen();
        float[] mask = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                mask[i * l + j] = NEG_INF;
            }
        }
        causalMask = manager.create(mask, new Shape(l, l));
        NDScope.unregister(causalMask);
        attentionScale = constant(1f / (float) Math.sqrt(config.headDim()));
        half = constant(0.5f);
        two = constant(2f);
        // GroupNorm = layer_norm over [C/G·H·W] with unit affine, then a per-channel affine
        int size = config.imageSize();
        int[] widths = stemWidths(config);
        int[] strides = stemStrides();
        for (int i = 0; i < widths.length; i++) {
            size = size / strides[i];
            long n = (long) widths[i] / config.normGroups() * size * size;
            if (!groupNormUnit.containsKey(n)) {
                NDArray one = manager.ones(new Shape(n));
                NDArray zero = manager.zeros(new Shape(n));
                NDScope.unregister(one, zero);
                groupNormUnit.put(n, new NDArray[] {one, zero});
            }
        }
    }

    /**
     * A scalar that lives as long as the policy. DJL creates arrays from Java data with
     * {@code torch::from_blob} over a direct buffer that only the Java array object keeps alive;
     * autograd saves such operands (e.g. the factor of a multiplication) without owning their
     * memory, so an array from Java data that is closed before {@code backward()} leaves the graph
     * reading freed memory (NaN losses). Hence: scalars of the forward pass are these constants,
     * and inputs from Java data are copied into libtorch-owned memory ({@link #owned}).
     */
    private NDArray constant(float v) {
        NDArray c = manager.create(v);
        NDScope.unregister(c);
        return c;
    }

    /** A libtorch-owned copy of an array made from Java data (see {@link #constant}). */
    private static NDArray owned(NDArray fromJavaData) {
        return fromJavaData.duplicate();
    }

    // ------------------------------------------------------------------ construction and checkpoints

    /** A freshly initialised policy; the same seed gives the same weights. */
    public static Policy initialise(PolicyConfig config, long seed) {
        Random rnd = new Random(seed);
        Map<String, Shape> shapes = parameterShapes(config, new Tokenizer(config.imageSize()).vocabSize());
        Map<String, float[]> values = new LinkedHashMap<>();
        int residualBranches = 2 * (config.encoderLayers() + config.decoderLayers());
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue();
            float[] v = new float[Math.toIntExact(s.size())];
            if (name.endsWith("_g")) {
                Arrays.fill(v, 1f);
            } else if (name.endsWith("_b")) {
                // biases and norm shifts start at zero
            } else if (name.startsWith("stem")) {
                double std = Math.sqrt(2.0 / (s.get(1) * s.get(2) * s.get(3)));
                fillNormal(v, rnd, std);
            } else if (name.endsWith("emb") || name.equals("grid.pos")) {
                fillNormal(v, rnd, 0.05);
            } else {
                double std = 1 / Math.sqrt(s.get(1)); // weights are [out, in]
                if (name.endsWith("o_w") || name.endsWith("ff2_w")) {
                    std /= Math.sqrt(residualBranches);
                }
                fillNormal(v, rnd, std);
            }
            values.put(name, v);
        }
        return new Policy(config, values, 0);
    }

    private static void fillNormal(float[] v, Random rnd, double std) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
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
        Checkpoint c = Checkpoint.read(bytes);
        List<String> diffs = c.config.differencesTo(expected);
        if (!diffs.isEmpty()) {
            throw new IncompatibleCheckpointException(String.join("; ", diffs));
        }
        return new Policy(c.config, c.values, c.version);
    }

    /**
     * Reads {@link #toBytes()}'s form.
     *
     * @throws IncompatibleCheckpointException when the bytes are not a checkpoint, are corrupt,
     *     have another format version, another vocabulary or parameters that do not fit the config
     */
    public static Policy fromBytes(byte[] bytes) {
        Checkpoint c = Checkpoint.read(bytes);
        return new Policy(c.config, c.values, c.version);
    }

    /**
     * The checkpoint: magic {@value #MAGIC}, format version, config, vocabulary, policy version,
     * every parameter (name, shape, little-endian float32 values), CRC-32 of all preceding bytes.
     */
    public byte[] toBytes() {
        ensureOpen();
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) (parameterCount() * 4 + 65536));
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(FORMAT_VERSION);
            Map<String, Integer> cfg = config.toMap();
            out.writeInt(cfg.size());
            for (Map.Entry<String, Integer> e : cfg.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            List<String> vocab = tokenizer.vocabulary();
            out.writeInt(vocab.size());
            for (String t : vocab) {
                out.writeUTF(t);
            }
            out.writeLong(version);
            out.writeInt(params.size());
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                out.writeUTF(e.getKey());
                long[] dims = e.getValue().getShape().getShape();
                out.writeInt(dims.length);
                for (long d : dims) {
                    out.writeInt((int) d);
                }
                float[] v = e.getValue().toFloatArray();
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(v);
                out.write(buf.array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = bos.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] all = Arrays.copyOf(body, body.length + 8);
        ByteBuffer.wrap(all, body.length, 8).putLong(crc.getValue());
        return all;
    }

    /** Writes {@link #toBytes()} to a temporary file beside {@code path}, then renames it atomically. */
    public void save(Path path) throws IOException {
        byte[] bytes = toBytes();
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // not Files.createTempFile: that makes the file owner-only (0600); other services read it
        Path tmp = dir.resolve("." + path.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
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
        List<String> diffs = other.config.differencesTo(config);
        if (!diffs.isEmpty()) {
            throw new IncompatibleCheckpointException(String.join("; ", diffs));
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            e.getValue().set(other.params.get(e.getKey()).toFloatArray());
        }
        version = other.version;
    }

    // ------------------------------------------------------------------ accessors

    public PolicyConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public long version() {
        return version;
    }

    public void setVersion(long version) {
        this.version = version;
    }

    public long parameterCount() {
        return params.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    /** The trainable parameters in a fixed order (the order of {@link #parameterNames()}). */
    public List<NDArray> parameters() {
        return List.copyOf(params.values());
    }

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

    // ------------------------------------------------------------------ the parameter layout

    static int[] stemWidths(PolicyConfig c) {
        return new int[] {c.stemChannels(), 2 * c.stemChannels(), c.dModel(), c.dModel(), c.dModel()};
    }

    static int[] stemStrides() {
        return new int[] {2, 1, 2, 2, 1};
    }

    /** Every parameter's name and shape, in checkpoint order. */
    static LinkedHashMap<String, Shape> parameterShapes(PolicyConfig c, int vocab) {
        LinkedHashMap<String, Shape> s = new LinkedHashMap<>();
        int d = c.dModel();
        int f = c.ffnDim();
        int in = 3;
        int[] widths = stemWidths(c);
        for (int i = 0; i < widths.length; i++) {
            s.put("stem" + i + ".w", new Shape(widths[i], in, 3, 3));
            s.put("stem" + i + ".conv_b", new Shape(widths[i]));
            s.put("stem" + i + ".gn_g", new Shape(widths[i]));
            s.put("stem" + i + ".gn_b", new Shape(widths[i]));
            in = widths[i];
        }
        s.put("grid.pos", new Shape((long) c.gridSize() * c.gridSize(), d));
        for (int l = 0; l < c.encoderLayers(); l++) {
            String p = "enc" + l + ".";
            putSelfAttention(s, p, d);
            putFeedForward(s, p, d, f);
        }
        s.put("enc.ln_g", new Shape(d));
        s.put("enc.ln_b", new Shape(d));
        s.put("tok.emb", new Shape(vocab, d));
        s.put("pos.emb", new Shape(c.maxSeqLen(), d));
        for (int l = 0; l < c.decoderLayers(); l++) {
            String p = "dec" + l + ".";
            putSelfAttention(s, p, d);
            s.put(p + "xq_w", new Shape(d, d));
            s.put(p + "xq_b", new Shape(d));
            s.put(p + "xkv_w", new Shape(2L * d, d));
            s.put(p + "xkv_b", new Shape(2L * d));
            s.put(p + "xo_w", new Shape(d, d));
            s.put(p + "xo_b", new Shape(d));
            s.put(p + "ln3_g", new Shape(d));
            s.put(p + "ln3_b", new Shape(d));
            putFeedForward(s, p, d, f);
        }
        s.put("dec.ln_g", new Shape(d));
        s.put("dec.ln_b", new Shape(d));
        s.put("head_w", new Shape(vocab, d));
        s.put("head_b", new Shape(vocab));
        return s;
    }

    /** Pre-norm self-attention of a transformer layer, then the norm before what follows it (insertion order = init order). */
    private static void putSelfAttention(Map<String, Shape> s, String p, long d) {
        s.put(p + "ln1_g", new Shape(d));
        s.put(p + "ln1_b", new Shape(d));
        s.put(p + "qkv_w", new Shape(3L * d, d));
        s.put(p + "qkv_b", new Shape(3L * d));
        s.put(p + "o_w", new Shape(d, d));
        s.put(p + "o_b", new Shape(d));
        s.put(p + "ln2_g", new Shape(d));
        s.put(p + "ln2_b", new Shape(d));
    }

    /** The feed-forward block of a transformer layer. */
    private static void putFeedForward(Map<String, Shape> s, String p, long d, long f) {
        s.put(p + "ff1_w", new Shape(f, d));
        s.put(p + "ff1_b", new Shape(f));
        s.put(p + "ff2_w", new Shape(d, f));
        s.put(p + "ff2_b", new Shape(d));
    }

    // ------------------------------------------------------------------ forward pieces

    private NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return a;
    }

    /** {@code x · Wᵀ + b} with {@code W} stored [out, in], as one fused libtorch op. */
    private NDArray linear(NDArray x, String prefix) {
        return Linear.linear(x, p(prefix + "_w"), p(prefix + "_b")).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(x, new Shape(config.dModel()), p(prefix + "_g"), p(prefix + "_b"), LN_EPS)
                .singletonOrThrow();
    }

    private NDArray groupNorm(NDArray x, String prefix) {
        Shape s = x.getShape();
        long b = s.get(0);
        long ch = s.get(1);
        int g = config.normGroups();
        long n = ch / g * s.get(2) * s.get(3);
        NDArray[] unit = groupNormUnit.get(n);
        NDArray y = LayerNorm.layerNorm(x.reshape(b, g, n), new Shape(n), unit[0], unit[1], LN_EPS)
                .singletonOrThrow()
                .reshape(s);
        return y.mul(p(prefix + "_g").reshape(1, ch, 1, 1)).add(p(prefix + "_b").reshape(1, ch, 1, 1));
    }

    /** [B, T, d] → [B, heads, T, dh] */
    private NDArray splitHeads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.heads(), config.headDim()).transpose(0, 2, 1, 3);
    }

    /** [B, T, d] → [B, heads, dh, T] (keys, ready for q·kᵀ) */
    private NDArray splitHeadsTransposed(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.heads(), config.headDim()).transpose(0, 2, 3, 1);
    }

    /** [B, heads, T, dh] → [B, T, d] */
    private NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), config.dModel());
    }

    /** Scaled dot-product attention; q [B, h, Tq, dh], kT [B, h, dh, Tk] (keys transposed), v [B, h, Tk, dh]. */
    private NDArray attend(NDArray q, NDArray kT, NDArray v, NDArray mask) {
        NDArray scores = q.matMul(kT).mul(attentionScale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(v);
    }

    private NDArray feedForward(NDArray x, String prefix) {
        return linear(Activation.gelu(linear(x, prefix + "ff1")), prefix + "ff2");
    }

    /** Images [B] of CHW floats in [0, 1] → the encoder's output [B, grid², d]. */
    NDArray encode(NDManager m, float[][] imagesChw) {
        return encode(imageArray(m, imagesChw));
    }

    /** Images as a libtorch-owned [B, 3, S, S] array. */
    NDArray imageArray(NDManager m, float[][] imagesChw) {
        int size = config.imageSize();
        int plane = 3 * size * size;
        float[] flat = new float[imagesChw.length * plane];
        for (int i = 0; i < imagesChw.length; i++) {
            if (imagesChw[i].length != plane) {
                throw new IllegalArgumentException("image " + i + " has " + imagesChw[i].length
                        + " values, expected 3×" + size + "×" + size + "=" + plane);
            }
            System.arraycopy(imagesChw[i], 0, flat, i * plane, plane);
        }
        return owned(m.create(flat, new Shape(imagesChw.length, 3, size, size)));
    }

    /** Images [B, 3, S, S] in [0, 1] → the encoder's output [B, grid², d]. */
    NDArray encode(NDArray images) {
        NDArray x = images.sub(half).mul(two);
        int[] strides = stemStrides();
        for (int i = 0; i < strides.length; i++) {
            String pre = "stem" + i;
            x = Conv2d.conv2d(x, p(pre + ".w"), p(pre + ".conv_b"), new Shape(strides[i], strides[i]),
                            new Shape(1, 1), new Shape(1, 1), 1)
                    .singletonOrThrow();
            x = Activation.relu(groupNorm(x, pre + ".gn"));
        }
        long b = images.getShape().get(0);
        x = x.reshape(b, config.dModel(), (long) config.gridSize() * config.gridSize()).transpose(0, 2, 1);
        x = x.add(p("grid.pos"));
        for (int l = 0; l < config.encoderLayers(); l++) {
            String pre = "enc" + l + ".";
            NDArray h = layerNorm(x, pre + "ln1");
            NDList qkv = linear(h, pre + "qkv").split(3, 2);
            NDArray a = mergeHeads(attend(splitHeads(qkv.get(0)), splitHeadsTransposed(qkv.get(1)), splitHeads(qkv.get(2)), null));
            x = x.add(linear(a, pre + "o"));
            x = x.add(feedForward(layerNorm(x, pre + "ln2"), pre));
        }
        return layerNorm(x, "enc.ln");
    }

    /** Per decoder layer, the cross-attention keys [B, heads, dh, grid²] and values [B, heads, grid², dh] of the image grid. */
    NDArray[][] crossKeysValues(NDArray memory) {
        NDArray[][] kv = new NDArray[config.decoderLayers()][];
        for (int l = 0; l < config.decoderLayers(); l++) {
            NDList parts = linear(memory, "dec" + l + ".xkv").split(2, 2);
            kv[l] = new NDArray[] {splitHeadsTransposed(parts.get(0)), splitHeads(parts.get(1))};
        }
        return kv;
    }

    private NDArray embed(NDArray ids, int start) {
        long len = ids.getShape().get(1);
        NDArray x = Embedding.embedding(ids, p("tok.emb"), SparseFormat.DENSE).singletonOrThrow();
        return x.add(p("pos.emb").get(new NDIndex("{}:{}", start, start + len)));
    }

    private NDArray crossAttention(NDArray h, NDArray[] kv, String pre) {
        NDArray q = splitHeads(linear(h, pre + "xq"));
        return linear(mergeHeads(attend(q, kv[0], kv[1], null)), pre + "xo");
    }

    /** Full (teacher-forced) decoder pass: ids [B, T] (int64) → final hidden states [B, T, d]. */
    NDArray decodeFull(NDArray ids, NDArray[][] crossKv) {
        int len = Math.toIntExact(ids.getShape().get(1));
        if (len > config.maxSeqLen()) {
            throw new IllegalArgumentException("sequence of " + len + " tokens exceeds max_seq_len=" + config.maxSeqLen());
        }
        NDArray mask = causalMask.get(new NDIndex("0:{}, 0:{}", len, len));
        NDArray x = embed(ids, 0);
        for (int l = 0; l < config.decoderLayers(); l++) {
            String pre = "dec" + l + ".";
            NDList qkv = linear(layerNorm(x, pre + "ln1"), pre + "qkv").split(3, 2);
            NDArray a = mergeHeads(attend(splitHeads(qkv.get(0)), splitHeadsTransposed(qkv.get(1)), splitHeads(qkv.get(2)), mask));
            x = x.add(linear(a, pre + "o"));
            x = x.add(crossAttention(layerNorm(x, pre + "ln2"), crossKv[l], pre));
            x = x.add(feedForward(layerNorm(x, pre + "ln3"), pre));
        }
        return layerNorm(x, "dec.ln");
    }

    NDArray logits(NDArray hidden) {
        return linear(hidden, "head");
    }

    /**
     * Self-attention keys [N, heads, dh, max_seq_len] (stored transposed) and values [N, heads,
     * max_seq_len, dh] of the tokens decoded so far, per layer, pre-allocated; plus the image's
     * cross-attention keys/values.
     */
    final class KvCache {
        final NDArray[] keysT;
        final NDArray[] values;
        final NDArray[][] cross;
        final long rows;

        KvCache(NDManager m, long rows, NDArray[][] cross) {
            this.rows = rows;
            this.cross = cross;
            keysT = new NDArray[config.decoderLayers()];
            values = new NDArray[config.decoderLayers()];
            for (int l = 0; l < keysT.length; l++) {
                keysT[l] = m.zeros(new Shape(rows, config.heads(), config.headDim(), config.maxSeqLen()));
                values[l] = m.zeros(new Shape(rows, config.heads(), config.maxSeqLen(), config.headDim()));
            }
        }
    }

    KvCache newCache(NDManager m, long rows, NDArray[][] cross) {
        return new KvCache(m, rows, cross);
    }

    /**
     * Feeds tokens {@code ids} [N, L] at positions {@code start..start+L-1}, writing their keys and
     * values into the cache, and returns the logits of the last position, [N, V] flattened. The
     * single-token case (every decoding step) uses reshapes in place of transposes.
     */
    float[] decodeCached(NDManager m, KvCache cache, long[] ids, int len, int start) {
        int end = start + len;
        if (end > config.maxSeqLen()) {
            throw new IllegalArgumentException("position " + end + " exceeds max_seq_len=" + config.maxSeqLen());
        }
        long n = cache.rows;
        int h = config.heads();
        int dh = config.headDim();
        NDArray x = embed(m.create(ids, new Shape(n, len)), start);
        NDArray mask = len > 1 ? causalMask.get(new NDIndex("{}:{}, 0:{}", start, end, end)) : null;
        NDIndex writeK = new NDIndex(":, :, :, {}:{}", start, end);
        NDIndex writeV = new NDIndex(":, :, {}:{}", start, end);
        NDIndex readK = new NDIndex(":, :, :, 0:{}", end);
        NDIndex readV = new NDIndex(":, :, 0:{}", end);
        boolean one = len == 1;
        for (int l = 0; l < config.decoderLayers(); l++) {
            String pre = "dec" + l + ".";
            NDList qkv = linear(layerNorm(x, pre + "ln1"), pre + "qkv").split(3, 2);
            NDArray q = one ? qkv.get(0).reshape(n, h, 1, dh) : splitHeads(qkv.get(0));
            cache.keysT[l].set(writeK, one ? qkv.get(1).reshape(n, h, dh, 1) : splitHeadsTransposed(qkv.get(1)));
            cache.values[l].set(writeV, one ? qkv.get(2).reshape(n, h, 1, dh) : splitHeads(qkv.get(2)));
            NDArray a = attend(q, cache.keysT[l].get(readK), cache.values[l].get(readV), mask);
            x = x.add(linear(one ? a.reshape(n, 1, config.dModel()) : mergeHeads(a), pre + "o"));
            NDArray hx = layerNorm(x, pre + "ln2");
            NDArray xq = linear(hx, pre + "xq");
            xq = one ? xq.reshape(n, h, 1, dh) : splitHeads(xq);
            NDArray xa = attend(xq, cache.cross[l][0], cache.cross[l][1], null);
            x = x.add(linear(one ? xa.reshape(n, 1, config.dModel()) : mergeHeads(xa), pre + "xo"));
            x = x.add(feedForward(layerNorm(x, pre + "ln3"), pre));
        }
        NDArray last = one ? x : x.get(new NDIndex(":, {}:{}, :", len - 1, len));
        return logits(layerNorm(last, "dec.ln")).toFloatArray();
    }

    /** Logits [N, V] of the next token after the full sequences {@code ids} [N, L], recomputed from scratch. */
    float[] decodeUncached(NDManager m, NDArray[][] crossKv, long[] ids, long rows, int len) {
        NDArray hidden = decodeFull(m.create(ids, new Shape(rows, len)), crossKv);
        return logits(hidden.get(new NDIndex(":, {}:{}, :", len - 1, len))).toFloatArray();
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
        ensureOpen();
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        int b = completionTokens.length;
        if (imagesChw.length != b && imagesChw.length != 1) {
            throw new IllegalArgumentException(imagesChw.length + " images for " + b + " completions: give one per completion or one for all");
        }
        int[] prompt = tokenizer.promptIds();
        int tMax = 1;
        for (int[] c : completionTokens) {
            tMax = Math.max(tMax, c.length);
        }
        int len = prompt.length + tMax - 1;
        if (len > config.maxSeqLen()) {
            throw new IllegalArgumentException("prompt + completion of " + (len + 1) + " tokens exceeds max_seq_len=" + config.maxSeqLen());
        }
        long[] input = new long[b * len];
        long[] target = new long[b * tMax];
        float[] mask = new float[b * tMax];
        for (int i = 0; i < b; i++) {
            int[] c = completionTokens[i];
            for (int t = 0; t < len; t++) {
                int id;
                if (t < prompt.length) {
                    id = prompt[t];
                } else {
                    int k = t - prompt.length;
                    id = k < c.length ? c[k] : Tokenizer.PAD;
                }
                input[i * len + t] = id;
            }
            for (int t = 0; t < tMax; t++) {
                target[i * tMax + t] = t < c.length ? c[t] : Tokenizer.PAD;
                mask[i * tMax + t] = t < c.length ? 1f : 0f;
            }
        }
        NDArray result;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray memory = encode(m, imagesChw);
            NDArray ids = owned(m.create(input, new Shape(b, len)));
            NDArray hidden = decodeFull(ids, crossKeysValues(memory));
            NDArray h = hidden.get(new NDIndex(":, {}:{}, :", prompt.length - 1, len));
            NDArray logp = logits(h).div(owned(m.create(temperature))).logSoftmax(-1);
            NDArray picked = logp.gather(owned(m.create(target, new Shape(b, tMax, 1))), 2).reshape(b, tMax);
            result = picked.mul(owned(m.create(mask, new Shape(b, tMax))));
            NDScope.unregister(result);
        }
        result.attach(m);
        return result;
    }

    /**
     * {@link #tokenLogProbs} without gradients (grad mode off on this thread for the call), as
     * Java arrays trimmed to each completion's length: for reference-policy log-probs (KL) and
     * checks.
     */
    public float[][] tokenLogProbsNoGrad(float[][] imagesChw, int[][] completionTokens, float temperature) {
        boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] flat = tokenLogProbs(m, imagesChw, completionTokens, temperature).toFloatArray();
            int tMax = completionTokens.length == 0 ? 0 : flat.length / completionTokens.length;
            float[][] out = new float[completionTokens.length][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * tMax, i * tMax + completionTokens[i].length);
            }
            return out;
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
        }
    }

    // ------------------------------------------------------------------ checkpoint parsing

    private record Checkpoint(PolicyConfig config, long version, Map<String, float[]> values) {

        static Checkpoint read(byte[] bytes) {
            byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
            if (bytes.length < magic.length + 12
                    || !Arrays.equals(Arrays.copyOf(bytes, magic.length), magic)) {
                throw new IncompatibleCheckpointException("not a DIP-R1 policy checkpoint: it does not start with " + MAGIC);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
                in.skipNBytes(magic.length);
                int format = in.readInt();
                if (format != FORMAT_VERSION) {
                    throw new IncompatibleCheckpointException("checkpoint format version " + format
                            + " but code reads format version " + FORMAT_VERSION);
                }
                CRC32 crc = new CRC32();
                crc.update(bytes, 0, bytes.length - 8);
                long stored = ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong();
                if (stored != crc.getValue()) {
                    throw new IncompatibleCheckpointException("checkpoint is corrupt or truncated: CRC-32 "
                            + Long.toHexString(crc.getValue()) + " but stored " + Long.toHexString(stored));
                }
                int n = in.readInt();
                Map<String, Integer> cfg = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    cfg.put(in.readUTF(), in.readInt());
                }
                PolicyConfig config = PolicyConfig.fromMap(cfg);
                int vocabSize = in.readInt();
                List<String> vocab = new ArrayList<>();
                for (int i = 0; i < vocabSize; i++) {
                    vocab.add(in.readUTF());
                }
                List<String> expectedVocab = new Tokenizer(config.imageSize()).vocabulary();
                if (!vocab.equals(expectedVocab)) {
                    throw new IncompatibleCheckpointException(vocabularyDifference(vocab, expectedVocab));
                }
                long version = in.readLong();
                Map<String, Shape> shapes = parameterShapes(config, expectedVocab.size());
                int count = in.readInt();
                Map<String, float[]> values = new LinkedHashMap<>();
                List<String> problems = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    String name = in.readUTF();
                    int rank = in.readInt();
                    long[] dims = new long[rank];
                    for (int r = 0; r < rank; r++) {
                        dims[r] = in.readInt();
                    }
                    Shape shape = new Shape(dims);
                    byte[] raw = in.readNBytes(Math.toIntExact(shape.size() * 4));
                    if (raw.length != shape.size() * 4) {
                        throw new EOFException("parameter " + name);
                    }
                    Shape want = shapes.get(name);
                    if (want == null) {
                        problems.add("checkpoint has parameter " + name + " that the code does not know");
                    } else if (!want.equals(shape)) {
                        problems.add("checkpoint parameter " + name + " has shape " + shape + " but code expects " + want);
                    } else {
                        float[] v = new float[Math.toIntExact(shape.size())];
                        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                        values.put(name, v);
                    }
                }
                for (String name : shapes.keySet()) {
                    if (!values.containsKey(name) && problems.stream().noneMatch(s -> s.contains(" " + name + " "))) {
                        problems.add("checkpoint lacks parameter " + name);
                    }
                }
                if (!problems.isEmpty()) {
                    throw new IncompatibleCheckpointException(String.join("; ", problems));
                }
                return new Checkpoint(config, version, Collections.unmodifiableMap(values));
            } catch (IOException e) {
                throw new IncompatibleCheckpointException("checkpoint is truncated: " + e.getMessage(), e);
            }
        }

        private static String vocabularyDifference(List<String> got, List<String> want) {
            for (int i = 0; i < Math.min(got.size(), want.size()); i++) {
                if (!got.get(i).equals(want.get(i))) {
                    return "checkpoint vocabulary differs at id " + i + ": checkpoint '" + got.get(i)
                            + "' but code expects '" + want.get(i) + "'";
                }
            }
            return "checkpoint vocabulary has " + got.size() + " tokens but code expects " + want.size();
        }
    }

    @Override
    public String toString() {
        return "Policy[version=" + version + ", params=" + parameterCount() + ", " + config + "]";
    }

}
