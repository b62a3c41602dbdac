package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;

/**
 * The transformer decoder over tokens: token + position embeddings, {@code decoderLayers}
 * pre-norm layers (causal self-attention, cross-attention to the image memory, feed-forward), a
 * final layer norm and the vocabulary head. One {@link #layer} serves both the teacher-forced pass
 * over whole sequences ({@link #hidden}) and the KV-cached step ({@link #decodeCached}).
 */
final class TextDecoder {

    private static final float NEG_INF = -1e9f;

    private final PolicyConfig config;
    private final Layers layers;
    private final Attention attention;
    /** [max_seq_len, max_seq_len]: 0 on and below the diagonal, {@value #NEG_INF} above. */
    private final NDArray causalMask;

    TextDecoder(NDManager longLived, PolicyConfig config, Layers layers, Attention attention) {
        this.config = config;
        this.layers = layers;
        this.attention = attention;
        int l = config.maxSeqLen();
        float[] mask = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = i + 1; j < l; j++) {
                mask[i * l + j] = NEG_INF;
            }
        }
        causalMask = longLived.create(mask, new Shape(l, l));
        NDScope.unregister(causalMask);
    }

    /** Per decoder layer, the cross-attention keys [B, heads, dh, grid²] and values [B, heads, grid², dh] of the image memory. */
    NDArray[][] crossKeysValues(NDArray memory) {
        NDArray[][] kv = new NDArray[config.decoderLayers()][];
        for (int l = 0; l < config.decoderLayers(); l++) {
            kv[l] = attention.keysValues(memory, "dec" + l + ".xkv");
        }
        return kv;
    }

    /** One decoder layer on {@code x} [B, T, d]; self-attention keys/values go through {@code selfKv}. */
    private NDArray layer(int l, NDArray x, Attention.KeyValues selfKv, NDArray mask, NDArray[] crossKv) {
        String pre = "dec" + l + ".";
        x = x.add(attention.selfAttention(layers.layerNorm(x, pre + "ln1"), pre, selfKv, mask));
        x = x.add(attention.crossAttention(layers.layerNorm(x, pre + "ln2"), pre, crossKv));
        return x.add(layers.feedForward(layers.layerNorm(x, pre + "ln3"), pre));
    }

    /** Full (teacher-forced) pass: ids [B, T] (int64) → final hidden states [B, T, d], layer-normed. */
    NDArray hidden(NDArray ids, NDArray[][] crossKv) {
        int len = Math.toIntExact(ids.getShape().get(1));
        if (len > config.maxSeqLen()) {
            throw new IllegalArgumentException(
                    "sequence of " + len + " tokens exceeds max_seq_len=" + config.maxSeqLen());
        }
        NDArray mask = mask(0, len);
        NDArray x = embed(ids, 0);
        for (int l = 0; l < config.decoderLayers(); l++) {
            x = layer(l, x, Attention.ONLY_THESE, mask, crossKv[l]);
        }
        return layers.layerNorm(x, "dec.ln");
    }

    /**
     * Feeds tokens {@code ids} [N, L] at positions {@code start..start+L-1}, writing their keys and
     * values into the cache, and returns the logits of the last position, [N, V] flattened.
     */
    float[] decodeCached(NDManager m, KvCache cache, long[] ids, int len, int start) {
        int end = start + len;
        if (end > config.maxSeqLen()) {
            throw new IllegalArgumentException("position " + end + " exceeds max_seq_len=" + config.maxSeqLen());
        }
        NDArray x = embed(m.create(ids, new Shape(cache.rows, len)), start);
        NDArray mask = mask(start, end);
        for (int l = 0; l < config.decoderLayers(); l++) {
            x = layer(l, x, cache.layer(l, start, end), mask, cache.cross[l]);
        }
        NDArray last = len == 1 ? x : lastPosition(x, len);
        return logits(layers.layerNorm(last, "dec.ln")).toFloatArray();
    }

    /** Logits [N, V] of the next token after the full sequences {@code ids} [N, L], recomputed from scratch. */
    float[] decodeUncached(NDManager m, NDArray[][] crossKv, long[] ids, long rows, int len) {
        NDArray hidden = hidden(m.create(ids, new Shape(rows, len)), crossKv);
        return logits(lastPosition(hidden, len)).toFloatArray();
    }

    NDArray logits(NDArray hidden) {
        return layers.linear(hidden, "head");
    }

    private static NDArray lastPosition(NDArray x, int len) {
        return x.get(new NDIndex(":, {}:{}, :", len - 1, len));
    }

    /** The causal mask of query positions {@code start..end-1} over keys {@code 0..end-1}; none for one position. */
    private NDArray mask(int start, int end) {
        return end - start > 1 ? causalMask.get(new NDIndex("{}:{}, 0:{}", start, end, end)) : null;
    }

    private NDArray embed(NDArray ids, int start) {
        long len = ids.getShape().get(1);
        NDArray x = Embedding.embedding(ids, layers.p("tok.emb"), SparseFormat.DENSE)
                .singletonOrThrow();
        return x.add(layers.p("pos.emb").get(new NDIndex("{}:{}", start, start + len)));
    }
}
