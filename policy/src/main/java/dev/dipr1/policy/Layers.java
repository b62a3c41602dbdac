package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.Map;

/**
 * The policy's named weights and the small operations over them that every part of the forward
 * pass uses: linear layers, layer norm and the feed-forward block, each addressed by its
 * {@link ParameterLayout} name prefix.
 */
final class Layers {

    static final float LN_EPS = 1e-5f;

    private final Map<String, NDArray> params;
    private final int dModel;

    Layers(Map<String, NDArray> params, int dModel) {
        this.params = params;
        this.dModel = dModel;
    }

    /**
     * A scalar that lives as long as {@code longLived}. DJL creates arrays from Java data with
     * {@code torch::from_blob} over a direct buffer that only the Java array object keeps alive;
     * autograd saves such operands (e.g. the factor of a multiplication) without owning their
     * memory, so an array from Java data that is closed before {@code backward()} leaves the graph
     * reading freed memory (NaN losses). Hence: scalars of the forward pass are these constants,
     * and inputs from Java data are copied into libtorch-owned memory ({@link #owned}).
     */
    static NDArray constant(NDManager longLived, float v) {
        NDArray c = longLived.create(v);
        NDScope.unregister(c);
        return c;
    }

    /** A libtorch-owned copy of an array made from Java data (see {@link #constant}). */
    static NDArray owned(NDArray fromJavaData) {
        return fromJavaData.duplicate();
    }

    NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return a;
    }

    /** {@code x · Wᵀ + b} with {@code W} stored [out, in], as one fused libtorch op. */
    NDArray linear(NDArray x, String prefix) {
        return Linear.linear(x, p(prefix + "_w"), p(prefix + "_b")).singletonOrThrow();
    }

    /** Layer norm over the last ({@code dModel}) axis. */
    NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(x, new Shape(dModel), p(prefix + "_g"), p(prefix + "_b"), LN_EPS)
                .singletonOrThrow();
    }

    /** {@code ff2(gelu(ff1(x)))}. */
    NDArray feedForward(NDArray x, String prefix) {
        return linear(Activation.gelu(linear(x, prefix + "ff1")), prefix + "ff2");
    }
}
