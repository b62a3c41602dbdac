package dev.dipr1.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Bootstrap confidence intervals over images, for a metric that is any function of per-image
 * records ({@link Metrics}: F1, recall, AP …). Pure and reproducible: the resamples are drawn from
 * a {@link SplittableRandom} seeded with {@code seed}, so the same inputs give the same interval
 * bit for bit.
 *
 * <p>Paired ({@link #delta}): two evaluations of the same images, A and B; each of the {@code R}
 * resamples draws {@code n} image indices with replacement and evaluates the metric of both A and
 * B on those same images, which cancels the image-to-image variation the two share. The point
 * estimate is {@code metric(B) − metric(A)} on all images; the interval is the 2.5 and 97.5
 * percentiles of the {@code R} resampled differences (linear interpolation between order
 * statistics). One-sample ({@link #interval}): the same for one metric of one evaluation.
 */
public final class PairedBootstrap {

    public static final int DEFAULT_RESAMPLES = 2000;
    public static final long DEFAULT_SEED = 20_261_202L;
    /** The interval covers the central 95% of the resampled values. */
    public static final double LEVEL = 0.95;

    /**
     * The change of a metric from A to B.
     *
     * @param delta {@code metric(B) − metric(A)} on all images
     * @param ciLow the 2.5th percentile of the resampled differences
     * @param ciHigh the 97.5th percentile
     */
    public record Delta(double delta, double ciLow, double ciHigh) {}

    /**
     * A metric with its bootstrap interval.
     *
     * @param estimate the metric on all images
     * @param ciLow the 2.5th percentile of the resampled values
     * @param ciHigh the 97.5th percentile
     */
    public record Interval(double estimate, double ciLow, double ciHigh) {}

    private PairedBootstrap() {}

    /** The F1 change from A to B with its 95% interval ({@value #DEFAULT_RESAMPLES} resamples, the default seed). */
    public static Delta f1Delta(Evaluation a, Evaluation b) {
        return delta(a.images(), b.images(), Metrics.F1, DEFAULT_RESAMPLES, DEFAULT_SEED);
    }

    /** The change of {@code metric} from A to B with its 95% interval (default resamples and seed). */
    public static Delta delta(Evaluation a, Evaluation b, ToDoubleFunction<List<ImageScore>> metric) {
        return delta(a.images(), b.images(), metric, DEFAULT_RESAMPLES, DEFAULT_SEED);
    }

    /**
     * The change of {@code metric} from A to B with its 95% paired-bootstrap interval.
     *
     * @throws IllegalArgumentException when A and B are not evaluations of the same images (same
     *     number, same ground truth image by image), there are no images, or {@code resamples < 2}
     */
    public static Delta delta(
            List<ImageScore> a,
            List<ImageScore> b,
            ToDoubleFunction<List<ImageScore>> metric,
            int resamples,
            long seed) {
        requireResamples(resamples);
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(
                    "a paired bootstrap needs evaluations of the same images: " + a.size() + " vs " + b.size());
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).truth().equals(b.get(i).truth())
                    || !a.get(i).ignoreRegions().equals(b.get(i).ignoreRegions())) {
                throw new IllegalArgumentException("a paired bootstrap needs evaluations of the same images: image " + i
                        + " has different ground truth in A and B");
            }
        }
        requireImages(a);
        double point = metric.applyAsDouble(b) - metric.applyAsDouble(a);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] deltas = new double[resamples];
        if (metric instanceof AveragePrecision.Metric ap) {
            // rank and match once; a resample only re-weights (the same draws as below)
            ToDoubleFunction<int[]> pa = ap.prepare(a);
            ToDoubleFunction<int[]> pb = ap.prepare(b);
            for (int r = 0; r < resamples; r++) {
                int[] counts = counts(indices(rnd, a.size()), a.size());
                deltas[r] = pb.applyAsDouble(counts) - pa.applyAsDouble(counts);
            }
        } else {
            for (int r = 0; r < resamples; r++) {
                int[] idx = indices(rnd, a.size());
                deltas[r] = metric.applyAsDouble(pick(b, idx)) - metric.applyAsDouble(pick(a, idx));
            }
        }
        double[] ci = percentiles(deltas);
        return new Delta(point, ci[0], ci[1]);
    }

    /** {@code metric} of one evaluation with its 95% interval (default resamples and seed). */
    public static Interval interval(Evaluation e, ToDoubleFunction<List<ImageScore>> metric) {
        return interval(e.images(), metric, DEFAULT_RESAMPLES, DEFAULT_SEED);
    }

    /**
     * {@code metric} of the images with its 95% bootstrap interval.
     *
     * @throws IllegalArgumentException when there are no images or {@code resamples < 2}
     */
    public static Interval interval(
            List<ImageScore> images, ToDoubleFunction<List<ImageScore>> metric, int resamples, long seed) {
        requireResamples(resamples);
        requireImages(images);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] values = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            values[r] = metric.applyAsDouble(pick(images, indices(rnd, images.size())));
        }
        double[] ci = percentiles(values);
        return new Interval(metric.applyAsDouble(images), ci[0], ci[1]);
    }

    private static int[] indices(SplittableRandom rnd, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = rnd.nextInt(n);
        }
        return idx;
    }

    private static int[] counts(int[] idx, int n) {
        int[] counts = new int[n];
        for (int i : idx) {
            counts[i]++;
        }
        return counts;
    }

    private static List<ImageScore> pick(List<ImageScore> images, int[] idx) {
        List<ImageScore> out = new ArrayList<>(idx.length);
        for (int i : idx) {
            out.add(images.get(i));
        }
        return out;
    }

    /** The (1 − LEVEL)/2 and (1 + LEVEL)/2 quantiles, interpolating linearly between order statistics. */
    static double[] percentiles(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new double[] {quantile(v, (1 - LEVEL) / 2), quantile(v, (1 + LEVEL) / 2)};
    }

    private static double quantile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void requireResamples(int resamples) {
        if (resamples < 2) {
            throw new IllegalArgumentException("resamples must be at least 2, got " + resamples);
        }
    }

    private static void requireImages(List<ImageScore> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a bootstrap needs at least one image");
        }
    }
}
