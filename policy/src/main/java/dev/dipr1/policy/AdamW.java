package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

    private static final String MAGIC = "DIPR1ADAMW1";

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
            throw new IllegalArgumentException("optimizer state is for " + m1.size() + " parameters, got " + params.size());
        }
    }

    /** Step count and moments, to checkpoint beside the policy. */
    public byte[] stateBytes() {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.writeUTF(MAGIC);
            out.writeLong(steps);
            out.writeInt(m1.size());
            for (int i = 0; i < m1.size(); i++) {
                for (NDArray a : List.of(m1.get(i), m2.get(i))) {
                    long[] dims = a.getShape().getShape();
                    out.writeInt(dims.length);
                    for (long d : dims) {
                        out.writeLong(d);
                    }
                    float[] v = a.toFloatArray();
                    ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(v);
                    out.write(buf.array());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /** Restores {@link #stateBytes()}; the parameters must have the same shapes, in the same order. */
    public void restore(byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IllegalArgumentException("not an AdamW state (" + magic + ")");
            }
            long s = in.readLong();
            int n = in.readInt();
            List<NDArray> a1 = new ArrayList<>();
            List<NDArray> a2 = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (List<NDArray> target : List.of(a1, a2)) {
                    int rank = in.readInt();
                    long[] dims = new long[rank];
                    long size = 1;
                    for (int r = 0; r < rank; r++) {
                        dims[r] = in.readLong();
                        size *= dims[r];
                    }
                    byte[] raw = in.readNBytes(Math.toIntExact(size * 4));
                    float[] v = new float[(int) size];
                    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    NDArray arr = manager.create(v, new ai.djl.ndarray.types.Shape(dims));
                    NDScope.unregister(arr);
                    target.add(arr);
                }
            }
            m1.forEach(NDArray::close);
            m2.forEach(NDArray::close);
            m1.clear();
            m2.clear();
            m1.addAll(a1);
            m2.addAll(a2);
            steps = s;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated AdamW state: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
