package dev.dipr1.policy;

import dev.dipr1.rewards.Box;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * COCO-style average precision of scored boxes over a set of images. Pure.
 *
 * <p>At an IoU threshold {@code t}: all answer boxes of all images are ranked by confidence,
 * highest first (ties: earlier image, then earlier box). In that order each takes the unmatched
 * ground-truth box of its image with the highest IoU ≥ t (ties: the lower index) and is a true
 * positive; one that finds none is a false positive — unless no ground-truth box of its image has
 * IoU ≥ t with it and it lies at least half inside an ignore region, when it is ignored (neither;
 * the rule of rewards.md §3 at τ = t). Down the ranking, precision = TP / (TP + FP) and recall =
 * TP / (ground-truth boxes); the precision envelope (the best precision at this recall or higher)
 * is read at the 101 recalls 0, 0.01, …, 1 (0 where the recall is never reached) and averaged.
 *
 * <p>Edge cases: with no ground-truth box in any image, AP is 1 when no box counts as a
 * prediction (none, or all ignored) and 0 otherwise — as the accuracy reward scores an empty
 * image; with ground truth but no counted prediction AP is 0.
 *
 * <p>The rule at {@code t = 0.5} is the same as {@link Evaluator}'s matching except that boxes are
 * matched greedily by confidence rather than by an optimal assignment.
 */
public final class AveragePrecision {

    /** AP@[.5:.95] averages over these IoU thresholds: 0.50, 0.55, …, 0.95. */
    public static final List<Double> COCO_THRESHOLDS = thresholds();

    /** The number of recall points of the interpolation. */
    public static final int RECALL_POINTS = 101;

    private AveragePrecision() {}

    /** AP at IoU 0.5. */
    public static double ap50(List<ImageScore> images) {
        return at(images, 0.5);
    }

    /** AP@[.5:.95]: the mean of {@link #at} over {@link #COCO_THRESHOLDS}. */
    public static double coco(List<ImageScore> images) {
        return new Metric(COCO_THRESHOLDS).applyAsDouble(images);
    }

    /**
     * AP at IoU threshold {@code t}, as the class comment says.
     *
     * @throws IllegalArgumentException when t is not in (0, 1]
     */
    public static double at(List<ImageScore> images, double t) {
        return new Ranking(images).ap(t);
    }

    /**
     * AP at {@code thresholds} (averaged) as a metric whose bootstrap resamples are cheap: the
     * images are ranked and matched once ({@link #prepare}); a resample, given as how often each
     * image is drawn, then only re-weights the ranked outcomes. A box's outcome depends only on the
     * boxes of its own image ranked before it, so every copy of an image in a resample has the
     * outcomes of the original; the result equals {@link #at} on the resampled list except where
     * boxes of different images have exactly equal confidence, which are ranked here by image index
     * rather than by position in the resample.
     */
    public record Metric(List<Double> thresholds) implements ToDoubleFunction<List<ImageScore>> {

        @Override
        public double applyAsDouble(List<ImageScore> images) {
            Ranking ranking = new Ranking(images);
            double s = 0;
            for (double t : thresholds) {
                s += ranking.ap(t);
            }
            return s / thresholds.size();
        }

        /** The images ranked and matched once: {@code counts[i]} copies of image i → AP. */
        public ToDoubleFunction<int[]> prepare(List<ImageScore> images) {
            Ranking ranking = new Ranking(images);
            int[][] outcomes = new int[thresholds.size()][];
            for (int k = 0; k < outcomes.length; k++) {
                outcomes[k] = ranking.outcomes(thresholds.get(k));
            }
            int[] truthPerImage =
                    images.stream().mapToInt(ImageScore::truthCount).toArray();
            return counts -> {
                long truth = 0;
                for (int i = 0; i < counts.length; i++) {
                    truth += (long) counts[i] * truthPerImage[i];
                }
                double s = 0;
                for (int[] outcome : outcomes) {
                    s += weighted(outcome, ranking.image, counts, Math.toIntExact(truth));
                }
                return s / outcomes.length;
            };
        }
    }

    /** {@link #interpolated} of a ranking in which prediction r stands {@code counts[image[r]]} times. */
    static double weighted(int[] outcome, int[] image, int[] counts, int truth) {
        int n = 0;
        for (int r = 0; r < outcome.length; r++) {
            n += outcome[r] != 0 ? counts[image[r]] : 0;
        }
        if (truth == 0) {
            return n == 0 ? 1 : 0;
        }
        int[] expanded = new int[n];
        int k = 0;
        for (int r = 0; r < outcome.length; r++) {
            if (outcome[r] != 0) {
                for (int c = 0; c < counts[image[r]]; c++) {
                    expanded[k++] = outcome[r];
                }
            }
        }
        return interpolated(expanded, truth);
    }

    /**
     * All predictions ranked, with what matching needs at any threshold: each one's IoUs with the
     * ground-truth boxes of its image, the largest of them, and whether it lies in an ignore region.
     */
    private static final class Ranking {
        /** Per ranked prediction: its image, the first of its image's ground-truth slots, their number. */
        private final int[] image;

        private final int[] truthFrom;
        private final int[] truthCount;
        /** Per ranked prediction, its IoUs with its image's ground truth: {@code iou[iouFrom[r] + g]}. */
        private final int[] iouFrom;

        private final double[] iou;
        private final double[] maxIou;
        private final boolean[] inIgnore;
        private final int truth;

        Ranking(List<ImageScore> images) {
            int[] firstTruth = new int[images.size()];
            int total = 0;
            List<int[]> order = new ArrayList<>(); // {image, box}, in image then box order
            for (int i = 0; i < images.size(); i++) {
                firstTruth[i] = total;
                total += images.get(i).truthCount();
                for (int b = 0; b < images.get(i).answer().size(); b++) {
                    order.add(new int[] {i, b});
                }
            }
            truth = total;
            // List.sort is stable: equal confidences keep image-then-box order.
            order.sort(Comparator.comparingDouble(
                    (int[] p) -> -images.get(p[0]).answer().get(p[1]).confidence()));
            int n = order.size();
            image = new int[n];
            truthFrom = new int[n];
            truthCount = new int[n];
            iouFrom = new int[n];
            maxIou = new double[n];
            inIgnore = new boolean[n];
            int pairs = 0;
            for (int[] p : order) {
                pairs += images.get(p[0]).truthCount();
            }
            iou = new double[pairs];
            int k = 0;
            for (int r = 0; r < n; r++) {
                ImageScore img = images.get(order.get(r)[0]);
                Box p = img.answer().get(order.get(r)[1]).box();
                image[r] = order.get(r)[0];
                truthFrom[r] = firstTruth[image[r]];
                truthCount[r] = img.truthCount();
                iouFrom[r] = k;
                for (Box g : img.truth()) {
                    iou[k] = Box.iou(p, g);
                    maxIou[r] = Math.max(maxIou[r], iou[k]);
                    k++;
                }
                inIgnore[r] = insideIgnore(p, img.ignoreRegions());
            }
        }

        /** +1 true positive, −1 false positive, 0 ignored, per prediction in ranking order. */
        int[] outcomes(double t) {
            if (!(t > 0 && t <= 1)) {
                throw new IllegalArgumentException("IoU threshold must be in (0, 1], got " + t);
            }
            boolean[] taken = new boolean[truth];
            int[] outcome = new int[image.length];
            for (int r = 0; r < image.length; r++) {
                outcome[r] = outcome(r, taken, t);
            }
            return outcome;
        }

        double ap(double t) {
            int[] outcome = outcomes(t);
            int counted = 0;
            for (int o : outcome) {
                counted += o != 0 ? 1 : 0;
            }
            if (truth == 0) {
                return counted == 0 ? 1 : 0;
            }
            return interpolated(outcome, truth);
        }

        /** Matches ranked prediction {@code r} in its turn; marks the ground-truth box it takes. */
        private int outcome(int r, boolean[] taken, double t) {
            int best = -1;
            double bestIou = -1;
            for (int g = 0; g < truthCount[r]; g++) {
                double v = iou[iouFrom[r] + g];
                if (!taken[truthFrom[r] + g] && v >= t && v > bestIou) {
                    best = g;
                    bestIou = v;
                }
            }
            if (best >= 0) {
                taken[truthFrom[r] + best] = true;
                return 1;
            }
            return maxIou[r] < t && inIgnore[r] ? 0 : -1;
        }
    }

    private static boolean insideIgnore(Box p, List<Box> ignore) {
        double area = p.area();
        if (area <= 0) {
            return false;
        }
        for (Box i : ignore) {
            if (Box.intersectionArea(p, i) / area >= Evaluator.IGNORE_FRACTION) {
                return true;
            }
        }
        return false;
    }

    /**
     * The 101-point interpolated AP of a ranking ({@code +1} TP, {@code -1} FP, {@code 0} ignored)
     * against {@code truth > 0} ground-truth boxes.
     */
    static double interpolated(int[] outcome, int truth) {
        int n = 0;
        for (int o : outcome) {
            n += o != 0 ? 1 : 0;
        }
        double[] precision = new double[n];
        int[] tpAt = new int[n];
        int tp = 0;
        int k = 0;
        for (int o : outcome) {
            if (o == 0) {
                continue;
            }
            tp += o > 0 ? 1 : 0;
            tpAt[k] = tp;
            precision[k] = (double) tp / (k + 1);
            k++;
        }
        for (int i = n - 2; i >= 0; i--) {
            precision[i] = Math.max(precision[i], precision[i + 1]);
        }
        double sum = 0;
        int i = 0;
        for (int point = 0; point < RECALL_POINTS; point++) {
            // the first rank whose recall tp/truth reaches point/100, compared in integers
            while (i < n && (long) tpAt[i] * (RECALL_POINTS - 1) < (long) point * truth) {
                i++;
            }
            if (i == n) {
                break; // this recall and all higher ones are never reached
            }
            sum += precision[i];
        }
        return sum / RECALL_POINTS;
    }

    private static List<Double> thresholds() {
        List<Double> t = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            t.add((50 + 5 * k) / 100.0);
        }
        return List.copyOf(t);
    }
}
