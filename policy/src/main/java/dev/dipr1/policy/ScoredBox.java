package dev.dipr1.policy;

import dev.dipr1.rewards.Box;

/**
 * One answer box of an evaluated completion, as the reward parser keeps it (valid, clipped), with
 * the policy's confidence in it and its fate in the IoU-0.5 matching of {@link Evaluator}.
 *
 * @param box the box in pixels
 * @param confidence the policy's confidence in the box, in [0, 1] ({@link BoxConfidence}); ranks
 *     the predictions for average precision
 * @param ignored dropped before matching: it matches no ground-truth box at IoU ≥ 0.5 and lies at
 *     least half inside an ignore region (rewards.md §3)
 * @param truthIndex the ground-truth box it is matched to at IoU 0.5, -1 when unmatched (or ignored)
 * @param iou the IoU with that ground-truth box, 0 when unmatched
 */
public record ScoredBox(Box box, double confidence, boolean ignored, int truthIndex, double iou) {

    public ScoredBox {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
        }
        if (ignored && truthIndex >= 0) {
            throw new IllegalArgumentException("an ignored box cannot be matched (truth index " + truthIndex + ")");
        }
    }

    /** Matched to a ground-truth box at IoU 0.5. */
    public boolean matched() {
        return truthIndex >= 0;
    }
}
