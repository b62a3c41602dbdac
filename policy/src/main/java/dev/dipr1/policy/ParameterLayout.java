package dev.dipr1.policy;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Every parameter of the policy by name and shape, in checkpoint order, and their seeded initial
 * values. Names end in {@code _w} (linear weights, stored {@code [out, in]}), {@code _b}
 * (biases and norm shifts), {@code _g} (norm gains), {@code .w} (conv kernels) or {@code emb} /
 * {@code grid.pos} (embeddings).
 */
final class ParameterLayout {

    private static final double EMBEDDING_STD = 0.05;

    private ParameterLayout() {}

    /** Output channels of the five conv layers of the stem. */
    static int[] stemWidths(PolicyConfig c) {
        return new int[] {c.stemChannels(), 2 * c.stemChannels(), c.dModel(), c.dModel(), c.dModel()};
    }

    /** Strides of the five conv layers of the stem (their product is {@link PolicyConfig#STEM_STRIDE}). */
    static int[] stemStrides() {
        return new int[] {2, 1, 2, 2, 1};
    }

    /** Every parameter's name and shape, in checkpoint order. */
    static LinkedHashMap<String, Shape> shapes(PolicyConfig c, int vocab) {
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
        putNorm(s, "enc.ln", d);
        s.put("tok.emb", new Shape(vocab, d));
        s.put("pos.emb", new Shape(c.maxSeqLen(), d));
        for (int l = 0; l < c.decoderLayers(); l++) {
            String p = "dec" + l + ".";
            putSelfAttention(s, p, d);
            putLinear(s, p + "xq", d, d);
            putLinear(s, p + "xkv", d, 2L * d);
            putLinear(s, p + "xo", d, d);
            putNorm(s, p + "ln3", d);
            putFeedForward(s, p, d, f);
        }
        putNorm(s, "dec.ln", d);
        putLinear(s, "head", d, vocab);
        return s;
    }

    /** Pre-norm self-attention of a transformer layer, then the norm before what follows it (insertion order = init order). */
    private static void putSelfAttention(Map<String, Shape> s, String p, long d) {
        putNorm(s, p + "ln1", d);
        putLinear(s, p + "qkv", d, 3L * d);
        putLinear(s, p + "o", d, d);
        putNorm(s, p + "ln2", d);
    }

    /** The feed-forward block of a transformer layer. */
    private static void putFeedForward(Map<String, Shape> s, String p, long d, long f) {
        putLinear(s, p + "ff1", d, f);
        putLinear(s, p + "ff2", f, d);
    }

    private static void putLinear(Map<String, Shape> s, String name, long in, long out) {
        s.put(name + "_w", new Shape(out, in));
        s.put(name + "_b", new Shape(out));
    }

    private static void putNorm(Map<String, Shape> s, String name, long d) {
        s.put(name + "_g", new Shape(d));
        s.put(name + "_b", new Shape(d));
    }

    /**
     * Seeded initial values, drawn in layout order from one {@link Random}: norm gains 1, biases
     * and shifts 0, conv kernels He-normal, embeddings N(0, 0.05²), linear weights N(0, 1/in) with
     * the residual outputs ({@code o}, {@code ff2}) scaled down by √(number of residual branches).
     */
    static Map<String, float[]> initialValues(PolicyConfig config, int vocab, long seed) {
        Random rnd = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        int residualBranches = 2 * (config.encoderLayers() + config.decoderLayers());
        for (Map.Entry<String, Shape> e : shapes(config, vocab).entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue();
            float[] v = new float[Math.toIntExact(s.size())];
            if (name.endsWith("_g")) {
                Arrays.fill(v, 1f);
            } else if (name.endsWith("_b")) {
                // biases and norm shifts start at zero
            } else if (name.startsWith("stem")) {
                fillNormal(v, rnd, Math.sqrt(2.0 / (s.get(1) * s.get(2) * s.get(3))));
            } else if (name.endsWith("emb") || name.equals("grid.pos")) {
                fillNormal(v, rnd, EMBEDDING_STD);
            } else {
                double std = 1 / Math.sqrt(s.get(1));
                if (name.endsWith("o_w") || name.endsWith("ff2_w")) {
                    std /= Math.sqrt(residualBranches);
                }
                fillNormal(v, rnd, std);
            }
            values.put(name, v);
        }
        return values;
    }

    private static void fillNormal(float[] v, Random rnd, double std) {
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * std);
        }
    }
}
