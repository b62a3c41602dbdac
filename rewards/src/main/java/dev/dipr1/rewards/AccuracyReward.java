package dev.dipr1.rewards;

import java.util.ArrayList;
import java.util.List;

/** Spec §3: {@code r_acc ∈ [0, 1]}, weighted precision–recall of an exact matching (or their F1, see {@link AccuracyForm}). */
public final class AccuracyReward {

    /** A prediction is ignored when at least this fraction of its area lies in one ignore region. */
    public static final double IGNORE_FRACTION = 0.5;

    private AccuracyReward() {}

    /**
     * The accuracy reward of a readable answer block (an unreadable one scores 0 and is not passed here).
     *
     * @param predictions the valid clipped answer boxes, in any order
     * @param gt          the ground-truth boxes T, used as given (not clipped)
     * @param ignore      ignore regions (may be empty)
     */
    public static double of(List<Box> predictions, List<Box> gt, List<Box> ignore, RewardConfig c) {
        List<Box> kept = withoutIgnored(predictions, gt, ignore, c.iouThreshold());
        // Edge cases use P after ignore removal.
        if (gt.isEmpty()) {
            return kept.isEmpty() ? 1.0 : 0.0;
        }
        if (kept.isEmpty()) {
            return 0.0;
        }
        MatchResult m = Matching.match(kept, gt, c.iouThreshold(), c.soft());
        double s = c.soft() ? m.iouSum() : m.pairs();
        if (c.accuracyForm() == AccuracyForm.F1) {
            return 2 * s / (kept.size() + gt.size());
        }
        double precision = s / kept.size();
        double recall = s / gt.size();
        return c.weightPrecision() * precision + c.weightRecall() * recall;
    }

    /**
     * P without the predictions that match no GT box ({@code max_g IoU < τ}, 0 when T is empty) and lie
     * mostly in an ignore region ({@code area(p ∩ i) / area(p) ≥ 0.5}).
     */
    static List<Box> withoutIgnored(List<Box> predictions, List<Box> gt, List<Box> ignore, double tau) {
        if (ignore.isEmpty()) {
            return predictions;
        }
        List<Box> kept = new ArrayList<>(predictions.size());
        for (Box p : predictions) {
            if (!(maxIou(p, gt) < tau && inIgnoreRegion(p, ignore))) {
                kept.add(p);
            }
        }
        return kept;
    }

    private static double maxIou(Box p, List<Box> gt) {
        double best = 0.0;
        for (Box g : gt) {
            best = Math.max(best, Box.iou(p, g));
        }
        return best;
    }

    private static boolean inIgnoreRegion(Box p, List<Box> ignore) {
        double area = p.area();
        for (Box i : ignore) {
            if (Box.intersectionArea(p, i) / area >= IGNORE_FRACTION) {
                return true;
            }
        }
        return false;
    }
}
