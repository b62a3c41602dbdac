package dev.dipr1.policy;

import dev.dipr1.rewards.Box;
import java.util.List;

/**
 * The evaluation of one image: everything the metrics need, so that each of them can be
 * recomputed on any resample of the images ({@link Metrics}, {@link PairedBootstrap}).
 *
 * @param wellFormed the completion's format reward is 1 (rewards.md §2)
 * @param answer the valid answer boxes in the order written (§3 reading, also when the format is
 *     0), each with its confidence and its IoU-0.5 match
 * @param truth the ground-truth boxes
 * @param ignoreRegions the ignore regions
 */
public record ImageScore(boolean wellFormed, List<ScoredBox> answer, List<Box> truth, List<Box> ignoreRegions) {

    public ImageScore {
        answer = List.copyOf(answer);
        truth = List.copyOf(truth);
        ignoreRegions = List.copyOf(ignoreRegions);
    }

    /** Answer boxes matched to ground truth at IoU 0.5. */
    public int matched() {
        int n = 0;
        for (ScoredBox b : answer) {
            if (b.matched()) {
                n++;
            }
        }
        return n;
    }

    /** Answer boxes that count as predictions: all but the ignored ones. */
    public int predicted() {
        int n = 0;
        for (ScoredBox b : answer) {
            if (!b.ignored()) {
                n++;
            }
        }
        return n;
    }

    /** Ground-truth boxes. */
    public int truthCount() {
        return truth.size();
    }

    /** Σ IoU over the matched pairs, summed in the order the boxes were written. */
    public double iouSum() {
        double s = 0;
        for (ScoredBox b : answer) {
            if (b.matched()) {
                s += b.iou();
            }
        }
        return s;
    }

    /** |answer boxes − ground-truth boxes|, ignored answer boxes included (the count the policy wrote). */
    public int countError() {
        return Math.abs(answer.size() - truth.size());
    }
}
