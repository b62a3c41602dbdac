package dev.dipr1.policy;

import dev.dipr1.rewards.Box;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

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
        Ranking ranking = new Ranking(images);
        double s = 0;
        for (double t : COCO_THRESHOLDS) {
            s += ranking.ap(t);
        }
        return s / COCO_THRESHOLDS.size();
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

        double ap(double t) {
            if (!(t > 0 && t <= 1)) {
                throw new IllegalArgumentException("IoU threshold must be in (0, 1], got " + t);
            }
            boolean[] taken = new boolean[truth];
            // +1 true positive, -1 false positive, 0 ignored; in ranking order
            int[] outcome = new int[image.length];
            int counted = 0;
            for (int r = 0; r < image.length; r++) {
                outcome[r] = outcome(r, taken, t);
                counted += outcome[r] != 0 ? 1 : 0;
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
