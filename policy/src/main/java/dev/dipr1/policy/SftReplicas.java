package dev.dipr1.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleSupplier;

/**
 * Data-parallel SFT steps: the trained policy and {@code n − 1} copies of it, each on its own thread, each taking
 * the gradient of a contiguous share of the batch. A share's loss is the sum of its tokens' negative
 * log-probabilities over the whole batch's token count, so the shares add up to the batch's token-mean loss and
 * gradient. The copies' gradients are added to the policy's in replica order (the same sums every run), one
 * {@link AdamW} step updates the policy, and the copies take its new weights.
 *
 * <p>With libtorch at one thread per replica this keeps two cores busy where one model on two intra-op threads ran
 * at ~150% CPU on ops this small: {@code dipr1 sft} took 295 ms per step at batch 32 on 2 cores before, 232 ms with two
 * replicas. It sums in another order than one model does, so its weights differ from a one-replica run's in the last
 * bits and then drift apart as any two runs do; run to run it repeats exactly.
 */
final class SftReplicas implements AutoCloseable {

    private final Policy policy;
    private final List<Policy> copies = new ArrayList<>();
    private final ExecutorService pool;

    /** @param replicas how many models share a batch, at least 1; 1 trains {@code policy} alone */
    SftReplicas(Policy policy, int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas=" + replicas + " must be at least 1");
        }
        this.policy = policy;
        for (int r = 1; r < replicas; r++) {
            copies.add(policy.copy());
        }
        pool = copies.isEmpty()
                ? null
                : Executors.newFixedThreadPool(copies.size(), Workers.daemonThreads("sft-replica"));
    }

    int size() {
        return copies.size() + 1;
    }

    /**
     * One step on {@code batch}, as {@link SftTrainer#step} but split over the replicas (the same when there is
     * one). Returns the batch's loss.
     */
    double step(AdamW opt, SftTrainer.Batch batch, DoubleSupplier lr) {
        int n = Math.min(size(), batch.images().length);
        if (n == 1) {
            return SftTrainer.step(policy, opt, batch, lr);
        }
        List<Future<Double>> others = new ArrayList<>();
        for (int r = 1; r < n; r++) {
            Policy copy = copies.get(r - 1);
            int share = r;
            others.add(pool.submit(() -> shareLoss(copy, batch, share, n)));
        }
        double loss = 0;
        for (double share : Workers.runBeside(() -> shareLoss(policy, batch, 0, n), others, "an SFT replica")) {
            loss += share;
        }
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<NDArray> params = policy.parameters();
            for (int r = 1; r < n; r++) {
                List<NDArray> theirs = copies.get(r - 1).parameters();
                for (int i = 0; i < params.size(); i++) {
                    NDArray g = theirs.get(i).getGradient();
                    params.get(i).getGradient().addi(g);
                    g.muli(0f);
                }
            }
            opt.step(params, (float) lr.getAsDouble());
            for (Policy copy : copies) {
                List<NDArray> theirs = copy.parameters();
                for (int i = 0; i < params.size(); i++) {
                    params.get(i).copyTo(theirs.get(i));
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        return loss;
    }

    /** Share {@code r} of {@code n}: its loss, with its gradient accumulated into {@code model}'s parameters. */
    private static double shareLoss(Policy model, SftTrainer.Batch batch, int r, int n) {
        int size = batch.images().length;
        int from = r * size / n;
        int to = (r + 1) * size / n;
        boolean grad = JniUtils.isGradMode();
        // no GradientCollector: DJL allows one at a time per process; grad mode itself is per thread in libtorch
        JniUtils.setGradMode(true);
        try (NDManager m = NDManager.newBaseManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray l = SftTrainer.loss(
                    model,
                    m,
                    Arrays.copyOfRange(batch.images(), from, to),
                    Arrays.copyOfRange(batch.targets(), from, to),
                    batch.tokens());
            JniUtils.backward((PtNDArray) l, (PtNDArray) m.ones(l.getShape()), false, false);
            return l.getFloat();
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
        copies.forEach(Policy::close);
    }
}
