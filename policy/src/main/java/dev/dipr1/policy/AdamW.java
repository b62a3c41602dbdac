package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.dipr1.policy.TensorCodec.NamedTensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay, Loshchilov &amp; Hutter) with global gradient-norm clipping,
 * over plain NDArrays whose gradients a {@code GradientCollector} filled. After a step the
 * gradients are zeroed (libtorch accumulates them).
 *
 * <p>Weight decay applies to arrays of rank ≥ 2 (matrices, embeddings, conv kernels), not to
 * biases or norm parameters. The learning rate is set per step, so any
 * schedule lives with the caller. State (step count, first and second moments) round-trips
 * through {@link #stateBytes()} / {@link #restore(byte[])}.
 */
public final class AdamW implements AutoCloseable {

    /** First string of {@link #stateBytes()}. */
    private static final String MAGIC = "DIPR1ADAMW2";
    /** The state format before the moments moved to {@link TensorCodec}; still read. */
    private static final String MAGIC_V1 = "DIPR1ADAMW1";

    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final float maxGradNorm;
    private final NDManager manager = NDManager.newBaseManager();
    private final List<NDArray> m1 = new ArrayList<>();
    private final List<NDArray> m2 = new ArrayList<>();
    private long steps;
    private double lastGradNorm;

    /**
     * @param maxGradNorm clip the global L2 norm of all gradients to this; ≤ 0 or infinite = no clipping
     */
    public AdamW(float beta1, float beta2, float eps, float weightDecay, float maxGradNorm) {
        DjlEnvironment.init();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.maxGradNorm = maxGradNorm;
    }

    /** β = (0.9, 0.999), ε = 1e-8, weight decay 0.01, clip at 1. */
    public static AdamW defaults() {
        return new AdamW(0.9f, 0.999f, 1e-8f, 0.01f, 1f);
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /** The global gradient norm before clipping at the last step. */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    /**
     * One update of {@code params} (always the same list, in the same order) with learning rate
     * {@code lr}; zeroes their gradients afterwards.
     *
     * @return the global gradient norm before clipping
     */
    public double step(List<NDArray> params, float lr) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            ensureState(params);
            List<NDArray> grads = new ArrayList<>(params.size());
            NDArray sq = null;
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                grads.add(g);
                NDArray s = g.square().sum();
                sq = sq == null ? s : sq.add(s);
            }
            double norm = Math.sqrt(sq.getFloat());
            lastGradNorm = norm;
            float clip = 1f;
            if (maxGradNorm > 0 && Float.isFinite(maxGradNorm) && norm > maxGradNorm) {
                clip = (float) (maxGradNorm / (norm + 1e-6));
            }
            steps++;
            float bc1 = (float) (1 - Math.pow(beta1, steps));
            float bc2 = (float) (1 - Math.pow(beta2, steps));
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = clip == 1f ? grads.get(i) : grads.get(i).mul(clip);
                m1.get(i).muli(beta1).addi(g.mul(1 - beta1));
                m2.get(i).muli(beta2).addi(g.square().muli(1 - beta2));
                if (weightDecay > 0 && p.getShape().dimension() >= 2) {
                    p.muli(1 - lr * weightDecay);
                }
                NDArray denom = m2.get(i).div(bc2).sqrt().addi(eps);
                p.subi(m1.get(i).div(denom).muli(lr / bc1));
                grads.get(i).muli(0f);
            }
            return norm;
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    private void ensureState(List<NDArray> params) {
        if (m1.isEmpty()) {
            for (NDArray p : params) {
                NDArray a = manager.zeros(p.getShape());
                NDArray b = manager.zeros(p.getShape());
                NDScope.unregister(a, b);
                m1.add(a);
                m2.add(b);
            }
        } else if (m1.size() != params.size()) {
            throw new IllegalArgumentException(
                    "optimizer state is for " + m1.size() + " parameters, got " + params.size());
        }
    }

    /**
     * Step count and moments, to checkpoint beside the policy: magic {@value #MAGIC}, the step
     * count, then the moments {@code m1.i}, {@code m2.i} of every parameter {@code i} in
     * {@link TensorCodec}'s form.
     */
    public byte[] stateBytes() {
        List<NamedTensor> moments = new ArrayList<>(2 * m1.size());
        for (int i = 0; i < m1.size(); i++) {
            moments.add(
                    new NamedTensor("m1." + i, m1.get(i).getShape(), m1.get(i).toFloatArray()));
            moments.add(
                    new NamedTensor("m2." + i, m2.get(i).getShape(), m2.get(i).toFloatArray()));
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeUTF(MAGIC);
            out.writeLong(steps);
            TensorCodec.writeAll(out, moments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /**
     * Restores {@link #stateBytes()}, or the state of the version before it ({@value #MAGIC_V1});
     * the parameters must have the same shapes, in the same order.
     */
    public void restore(byte[] state) {
        List<float[]> first = new ArrayList<>();
        List<float[]> second = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        long s;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic) && !MAGIC_V1.equals(magic)) {
                throw new IllegalArgumentException("not an AdamW state (" + magic + ")");
            }
            s = in.readLong();
            List<NamedTensor> moments = MAGIC.equals(magic) ? TensorCodec.readAll(in) : readV1(in);
            if (moments.size() % 2 != 0) {
                throw new IllegalArgumentException("AdamW state has " + moments.size() + " moment tensors, not pairs");
            }
            for (int i = 0; i < moments.size(); i += 2) {
                NamedTensor a = moments.get(i);
                NamedTensor b = moments.get(i + 1);
                if (!a.shape().equals(b.shape())) {
                    throw new IllegalArgumentException(
                            "AdamW moments " + a.name() + " and " + b.name() + " differ in shape");
                }
                shapes.add(a.shape());
                first.add(a.values());
                second.add(b.values());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated AdamW state: " + e.getMessage(), e);
        }
        m1.forEach(NDArray::close);
        m2.forEach(NDArray::close);
        m1.clear();
        m2.clear();
        for (int i = 0; i < shapes.size(); i++) {
            m1.add(longLived(first.get(i), shapes.get(i)));
            m2.add(longLived(second.get(i), shapes.get(i)));
        }
        steps = s;
    }

    /** The moments as {@value #MAGIC_V1} wrote them: a count, then per parameter two unnamed tensors with long dimensions. */
    private static List<NamedTensor> readV1(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<NamedTensor> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (String moment : List.of("m1.", "m2.")) {
                long[] dims = new long[in.readInt()];
                for (int r = 0; r < dims.length; r++) {
                    dims[r] = in.readLong();
                }
                Shape shape = new Shape(dims);
                out.add(new NamedTensor(moment + i, shape, TensorCodec.readFloats(in, shape.size(), moment + i)));
            }
        }
        return out;
    }

    private NDArray longLived(float[] values, Shape shape) {
        NDArray a = manager.create(values, shape);
        NDScope.unregister(a);
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
