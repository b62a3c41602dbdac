package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Spec §3. */
class AccuracyRewardTest {

    static final RewardConfig DEFAULTS = RewardConfig.defaults();

    static Box b(double x1, double y1, double x2, double y2) {
        return new Box(x1, y1, x2, y2);
    }

    static RewardConfig with(boolean soft, double wp) {
        return new RewardConfig(0.5, soft, wp, 1.0 - wp, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true);
    }

    @Test
    void noGtAndNoPredictionsIsPerfect() {
        assertEquals(1.0, AccuracyReward.of(List.of(), List.of(), List.of(), DEFAULTS));
    }

    @Test
    void noGtButSomePredictionIsZero() {
        assertEquals(0.0, AccuracyReward.of(List.of(b(0, 0, 1, 1)), List.of(), List.of(), DEFAULTS));
    }

    @Test
    void noPredictionsButSomeGtIsZero() {
        assertEquals(0.0, AccuracyReward.of(List.of(), List.of(b(0, 0, 1, 1)), List.of(), DEFAULTS));
    }

    @Test
    void perfectAnswerIsOne() {
        List<Box> gt = List.of(b(0, 0, 10, 10), b(20, 20, 40, 40));
        assertEquals(1.0, AccuracyReward.of(List.of(gt.get(1), gt.get(0)), gt, List.of(), DEFAULTS));
    }

    @Test
    void softCountsIouHardCountsMatches() {
        // one pair with IoU 0.6 (60/100), one extra prediction, two GT
        List<Box> preds = List.of(b(0, 0, 10, 6), b(50, 50, 60, 60));
        List<Box> gt = List.of(b(0, 0, 10, 10), b(100, 100, 110, 110));
        // soft: S = 0.6, precision 0.6/2, recall 0.6/2
        assertEquals(0.3, AccuracyReward.of(preds, gt, List.of(), with(true, 0.5)), 1e-15);
        // hard: S = 1
        assertEquals(0.5, AccuracyReward.of(preds, gt, List.of(), with(false, 0.5)), 1e-15);
    }

    @Test
    void theF1FormIsTheHarmonicMeanOfTheSamePrecisionAndRecall() {
        RewardConfig f1 = DEFAULTS.withAccuracyForm(AccuracyForm.F1);
        // 1 exact match, 1 prediction, 4 GT: precision 1, recall 0.25 -> F1 0.4 (weighted: 0.625)
        List<Box> preds = List.of(b(0, 0, 10, 10));
        List<Box> gt = List.of(b(0, 0, 10, 10), b(20, 0, 30, 10), b(40, 0, 50, 10), b(60, 0, 70, 10));
        assertEquals(0.4, AccuracyReward.of(preds, gt, List.of(), f1), 1e-15);
        assertEquals(0.625, AccuracyReward.of(preds, gt, List.of(), DEFAULTS), 1e-15);
        // soft: S = 0.6 over 2 predictions and 2 GT -> 2·0.6/4
        List<Box> soft = List.of(b(0, 0, 10, 6), b(50, 50, 60, 60));
        List<Box> gt2 = List.of(b(0, 0, 10, 10), b(100, 100, 110, 110));
        assertEquals(0.3, AccuracyReward.of(soft, gt2, List.of(), f1), 1e-15);
        // the spec's edge cases hold for F1 too
        assertEquals(1.0, AccuracyReward.of(List.of(), List.of(), List.of(), f1));
        assertEquals(0.0, AccuracyReward.of(List.of(), gt, List.of(), f1));
    }

    @Test
    void weightsSplitPrecisionAndRecall() {
        // 1 exact match, 1 prediction, 4 GT: precision 1, recall 0.25
        List<Box> preds = List.of(b(0, 0, 10, 10));
        List<Box> gt = List.of(b(0, 0, 10, 10), b(20, 0, 30, 10), b(40, 0, 50, 10), b(60, 0, 70, 10));
        assertEquals(1.0, AccuracyReward.of(preds, gt, List.of(), with(true, 1.0)));
        assertEquals(0.25, AccuracyReward.of(preds, gt, List.of(), with(true, 0.0)));
        assertEquals(0.75 * 1.0 + 0.25 * 0.25, AccuracyReward.of(preds, gt, List.of(), with(true, 0.75)), 1e-15);
    }

    @Test
    void predictionBelowTauCountsAgainstPrecision() {
        List<Box> preds = List.of(b(0, 0, 10, 10), b(5, 0, 15, 10)); // second: IoU 1/3 with the GT
        List<Box> gt = List.of(b(0, 0, 10, 10));
        assertEquals(0.5 * 0.5 + 0.5 * 1.0, AccuracyReward.of(preds, gt, List.of(), DEFAULTS));
    }

    @Test
    void unmatchedPredictionInAnIgnoreRegionNeitherHelpsNorHurts() {
        List<Box> gt = List.of(b(0, 0, 10, 10));
        List<Box> ignore = List.of(b(100, 100, 200, 200));
        List<Box> preds = List.of(b(0, 0, 10, 10), b(120, 120, 140, 140));
        assertEquals(1.0, AccuracyReward.of(preds, gt, ignore, DEFAULTS));
        assertEquals(0.75, AccuracyReward.of(preds, gt, List.of(), DEFAULTS));
    }

    @Test
    void ignoreNeedsHalfThePredictionInsideOneRegion() {
        List<Box> gt = List.of(b(0, 0, 10, 10));
        List<Box> preds = List.of(b(0, 0, 10, 10), b(100, 100, 120, 110)); // area 200
        // exactly half (100 of 200) inside: ignored
        assertEquals(1.0, AccuracyReward.of(preds, gt, List.of(b(110, 0, 300, 300)), DEFAULTS));
        // just under half inside: kept
        assertEquals(0.75, AccuracyReward.of(preds, gt, List.of(b(110.5, 0, 300, 300)), DEFAULTS));
        // two regions each holding a quarter do not add up
        assertEquals(0.75, AccuracyReward.of(preds, gt, List.of(b(100, 0, 105, 300), b(115, 0, 300, 300)), DEFAULTS));
    }

    @Test
    void matchedPredictionInsideAnIgnoreRegionIsKept() {
        List<Box> gt = List.of(b(0, 0, 10, 10));
        List<Box> ignore = List.of(b(0, 0, 100, 100));
        assertEquals(1.0, AccuracyReward.of(List.of(b(0, 0, 10, 10)), gt, ignore, DEFAULTS));
    }

    @Test
    void withoutGtEveryPredictionInAnIgnoreRegionIsRemovedAndTheAnswerIsPerfect() {
        // max over an empty T is taken as 0 < τ, and P after removal is empty.
        List<Box> ignore = List.of(b(0, 0, 100, 100));
        assertEquals(1.0, AccuracyReward.of(List.of(b(10, 10, 20, 20)), List.of(), ignore, DEFAULTS));
        assertEquals(
                0.0, AccuracyReward.of(List.of(b(10, 10, 20, 20), b(200, 200, 210, 210)), List.of(), ignore, DEFAULTS));
    }

    @Test
    void allPredictionsIgnoredWithGtLeftIsZero() {
        List<Box> gt = List.of(b(300, 300, 310, 310));
        List<Box> ignore = List.of(b(0, 0, 100, 100));
        assertEquals(0.0, AccuracyReward.of(List.of(b(10, 10, 20, 20)), gt, ignore, DEFAULTS));
    }

    @Test
    void unreadableAnswerScoresZeroEvenWithoutGt() {
        GroupInput in = new GroupInput(
                "g",
                100,
                100,
                List.of(),
                List.of(),
                List.of(Completions.canonical("t", "", "no boxes here"), Completions.canonical("t", "", "")));
        GroupScore s = GroupScorer.score(in, DEFAULTS);
        assertEquals(0.0, s.completions().get(0).accuracy());
        assertEquals(1.0, s.completions().get(1).accuracy());
    }
}
