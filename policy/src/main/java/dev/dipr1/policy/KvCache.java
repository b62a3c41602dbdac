package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The decoding state of a batch of {@code rows} sequences: per decoder layer the self-attention
 * keys [rows, heads, dh, max_seq_len] (stored transposed) and values [rows, heads, max_seq_len,
 * dh] of the tokens fed so far, pre-allocated, plus the image grid's cross-attention keys/values.
 */
final class KvCache {

    final long rows;
    final NDArray[][] cross;
    private final NDArray[] keysT;
    private final NDArray[] values;

    KvCache(NDManager m, PolicyConfig config, long rows, NDArray[][] cross) {
        this.rows = rows;
        this.cross = cross;
        keysT = new NDArray[config.decoderLayers()];
        values = new NDArray[config.decoderLayers()];
        for (int l = 0; l < keysT.length; l++) {
            keysT[l] = m.zeros(new Shape(rows, config.heads(), config.headDim(), config.maxSeqLen()));
            values[l] = m.zeros(new Shape(rows, config.heads(), config.maxSeqLen(), config.headDim()));
        }
    }

    /** Layer {@code l}'s cache for feeding positions {@code start..end-1}: stores them, attends over {@code 0..end-1}. */
    Attention.KeyValues layer(int l, int start, int end) {
        return (kT, v) -> {
            keysT[l].set(new NDIndex(":, :, :, {}:{}", start, end), kT);
            values[l].set(new NDIndex(":, :, {}:{}", start, end), v);
            return new NDArray[] {
                keysT[l].get(new NDIndex(":, :, :, 0:{}", end)), values[l].get(new NDIndex(":, :, 0:{}", end))
            };
        };
    }
}
