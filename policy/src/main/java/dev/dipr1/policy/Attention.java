package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head scaled dot-product attention, the one implementation behind the encoder's
 * self-attention, the decoder's causal self-attention (full or KV-cached) and its
 * cross-attention to the image grid.
 *
 * <p>Shapes: activations [B, T, d]; per head q and v [B, heads, T, dh] and keys transposed
 * [B, heads, dh, T], ready for {@code q · kᵀ}.
 */
final class Attention {

    /**
     * Where the keys and values of the positions being fed go, and which keys and values they
     * attend over: all of them at once ({@link #ONLY_THESE}) or a cache of earlier positions
     * ({@link KvCache#layer}).
     */
    @FunctionalInterface
    interface KeyValues {
        /** Takes keysT [B, h, dh, T] and values [B, h, T, dh] of the fed positions; returns those to attend over. */
        NDArray[] attendOver(NDArray keysT, NDArray values);
    }

    /** No cache: the fed positions attend over themselves. */
    static final KeyValues ONLY_THESE = (keysT, values) -> new NDArray[] {keysT, values};

    private final Layers layers;
    private final int heads;
    private final int headDim;
    private final int dModel;
    private final NDArray scale;

    Attention(NDManager longLived, Layers layers, PolicyConfig config) {
        this.layers = layers;
        this.heads = config.heads();
        this.headDim = config.headDim();
        this.dModel = config.dModel();
        this.scale = Layers.constant(longLived, 1f / (float) Math.sqrt(headDim));
    }

    /**
     * The self-attention sublayer {@code o(attention(qkv(h)))} of a pre-norm transformer layer,
     * {@code h} already normalised; {@code mask} is added to the scores (null: none).
     */
    NDArray selfAttention(NDArray h, String prefix, KeyValues kv, NDArray mask) {
        NDList qkv = layers.linear(h, prefix + "qkv").split(3, 2);
        NDArray[] keysValues = kv.attendOver(splitHeadsTransposed(qkv.get(1)), splitHeads(qkv.get(2)));
        NDArray a = attend(splitHeads(qkv.get(0)), keysValues[0], keysValues[1], mask);
        return layers.linear(mergeHeads(a), prefix + "o");
    }

    /** The cross-attention sublayer {@code xo(attention(xq(h), grid keys, grid values))}. */
    NDArray crossAttention(NDArray h, String prefix, NDArray[] gridKeysValues) {
        NDArray q = splitHeads(layers.linear(h, prefix + "xq"));
        return layers.linear(mergeHeads(attend(q, gridKeysValues[0], gridKeysValues[1], null)), prefix + "xo");
    }

    /** Keys transposed and values of {@code memory} [B, M, d] through the fused projection {@code prefix}. */
    NDArray[] keysValues(NDArray memory, String prefix) {
        NDList parts = layers.linear(memory, prefix).split(2, 2);
        return new NDArray[] {splitHeadsTransposed(parts.get(0)), splitHeads(parts.get(1))};
    }

    /** softmax(q·kᵀ / √dh + mask) · v. */
    NDArray attend(NDArray q, NDArray kT, NDArray v, NDArray mask) {
        NDArray scores = q.matMul(kT).mul(scale);
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(v);
    }

    // A single position (every cached decoding step) is split and merged by a reshape alone:
    // the same values as the transpose, one libtorch op less.

    /** [B, T, d] → [B, heads, T, dh] */
    NDArray splitHeads(NDArray x) {
        Shape s = x.getShape();
        if (s.get(1) == 1) {
            return x.reshape(s.get(0), heads, 1, headDim);
        }
        return x.reshape(s.get(0), s.get(1), heads, headDim).transpose(0, 2, 1, 3);
    }

    /** [B, T, d] → [B, heads, dh, T] */
    NDArray splitHeadsTransposed(NDArray x) {
        Shape s = x.getShape();
        if (s.get(1) == 1) {
            return x.reshape(s.get(0), heads, headDim, 1);
        }
        return x.reshape(s.get(0), s.get(1), heads, headDim).transpose(0, 2, 3, 1);
    }

    /** [B, heads, T, dh] → [B, T, d] */
    NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        if (s.get(2) == 1) {
            return x.reshape(s.get(0), 1, dModel);
        }
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), dModel);
    }
}
