package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.rewards.Box;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AveragePrecisionTest {

    static final Box G1 = new Box(0, 0, 10, 20);
    static final Box G2 = new Box(30, 0, 40, 20);
    static final Box MISS = new Box(50, 40, 60, 60);

    /** A prediction for AP: AP reads only the box and its confidence. */
    static ScoredBox pred(Box b, double confidence) {
        return new ScoredBox(b, confidence, false, -1, 0);
    }

    static ImageScore image(List<Box> truth, List<Box> ignore, ScoredBox... preds) {
        return new ImageScore(true, List.of(preds), truth, ignore);
    }

    @Test
    void perfectPredictionsScoreOneWhateverTheirConfidences() {
        Random rnd = new Random(2);
        List<ImageScore> images = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<Box> truth = new ArrayList<>();
            List<ScoredBox> preds = new ArrayList<>();
            int n = rnd.nextInt(5);
            for (int k = 0; k < n; k++) {
                Box b = new Box(10 * k, rnd.nextInt(20), 10 * k + 8, 30 + rnd.nextInt(30));
                truth.add(b);
                preds.add(pred(b, rnd.nextDouble()));
            }
            images.add(new ImageScore(true, preds, truth, List.of()));
        }
        assertEquals(1.0, AveragePrecision.ap50(images), 1e-12);
        assertEquals(1.0, AveragePrecision.coco(images), 1e-12);
    }

    @Test
    void aHandComputedRanking() {
        // TP (0.9), FP (0.8), TP (0.7) against two GT boxes:
        // precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 → envelope 1, 2/3, 2/3;
        // recalls 0.00 … 0.50 (51 points) read 1, recalls 0.51 … 1.00 (50 points) read 2/3.
        List<ImageScore> images =
                List.of(image(List.of(G1, G2), List.of(), pred(G1, 0.9), pred(MISS, 0.8), pred(G2, 0.7)));
        assertEquals((51 * 1.0 + 50 * (2.0 / 3)) / 101, AveragePrecision.ap50(images), 1e-12);
    }

    @Test
    void rankingTheFalsePositiveFirstCostsAndRankingItLastIsFree() {
        double tpFpTp = AveragePrecision.ap50(
                List.of(image(List.of(G1, G2), List.of(), pred(G1, 0.9), pred(MISS, 0.8), pred(G2, 0.7))));
        // swap the confidences of the false positive and the first true positive: FP, TP, TP
        double fpTpTp = AveragePrecision.ap50(
                List.of(image(List.of(G1, G2), List.of(), pred(G1, 0.8), pred(MISS, 0.9), pred(G2, 0.7))));
        // swap those of the false positive and the second true positive: TP, TP, FP
        double tpTpFp = AveragePrecision.ap50(
                List.of(image(List.of(G1, G2), List.of(), pred(G1, 0.9), pred(MISS, 0.7), pred(G2, 0.8))));
        assertEquals(2.0 / 3, fpTpTp, 1e-12);
        assertEquals(1.0, tpTpFp, 1e-12);
        assertTrue(fpTpTp < tpFpTp && tpFpTp < tpTpFp);
    }

    @Test
    void equalConfidencesRankByImageThenBox() {
        ImageScore miss = image(List.of(), List.of(), pred(MISS, 0.5));
        ImageScore hit = image(List.of(G1), List.of(), pred(G1, 0.5));
        assertEquals(0.5, AveragePrecision.ap50(List.of(miss, hit)), 1e-12);
        assertEquals(1.0, AveragePrecision.ap50(List.of(hit, miss)), 1e-12);
        assertEquals(
                1.0, AveragePrecision.ap50(List.of(image(List.of(G1), List.of(), pred(G1, 0.5), pred(MISS, 0.5)))));
    }

    @Test
    void aDuplicateIsAFalsePositiveAndTheMoreConfidentCopyTakesTheTruth() {
        Box close = new Box(0, 0, 10, 19); // IoU 0.95 with G1
        Box loose = new Box(0, 0, 10, 12); // IoU 0.6
        // greedy: the confident loose box takes G1; the tight one, later, is a false positive
        List<ImageScore> looseFirst = List.of(image(List.of(G1), List.of(), pred(loose, 0.9), pred(close, 0.8)));
        List<ImageScore> closeFirst = List.of(image(List.of(G1), List.of(), pred(loose, 0.8), pred(close, 0.9)));
        assertEquals(1.0, AveragePrecision.at(looseFirst, 0.5), 1e-12);
        assertEquals(1.0, AveragePrecision.at(closeFirst, 0.5), 1e-12);
        // at 0.7 the loose box cannot take G1: FP then TP
        assertEquals(0.5, AveragePrecision.at(looseFirst, 0.7), 1e-12);
        assertEquals(1.0, AveragePrecision.at(closeFirst, 0.7), 1e-12);
    }

    @Test
    void aBoxInAnIgnoreRegionNeitherHelpsNorHurts() {
        Box crowd = new Box(40, 30, 64, 64);
        Box inCrowd = new Box(44, 40, 54, 60);
        double without =
                AveragePrecision.ap50(List.of(image(List.of(G1), List.of(), pred(inCrowd, 0.9), pred(G1, 0.5))));
        double ignored =
                AveragePrecision.ap50(List.of(image(List.of(G1), List.of(crowd), pred(inCrowd, 0.9), pred(G1, 0.5))));
        assertEquals(0.5, without, 1e-12);
        assertEquals(1.0, ignored, 1e-12);
        // a box with IoU ≥ t with some GT box is not ignored, even inside an ignore region, when that GT is taken
        Box twin = new Box(0, 0, 10, 18); // IoU 0.9 with G1
        double twinFirst = AveragePrecision.ap50(List.of(
                image(List.of(G1, G2), List.of(new Box(0, 0, 12, 22)), pred(G1, 0.9), pred(twin, 0.8), pred(G2, 0.7))));
        assertEquals((51 + 50 * (2.0 / 3)) / 101, twinFirst, 1e-12, "the twin is a false positive");
    }

    @Test
    void theIgnoreRuleUsesTheThresholdBeingScored() {
        Box crowd = new Box(0, 10, 20, 40);
        Box shifted = new Box(0, 8, 10, 28); // IoU 120 / (200 + 200 − 120) = 0.43 with g
        Box g = new Box(0, 0, 10, 20);
        double iou = Box.iou(shifted, g);
        assertTrue(iou > 0.4 && iou < 0.5, "iou " + iou);
        assertTrue(Box.intersectionArea(shifted, crowd) / shifted.area() >= 0.5);
        // at t = 0.4 it matches g (TP); at t = 0.5 it matches nothing and is ignored: AP 0, not undefined
        List<ImageScore> images = List.of(image(List.of(g), List.of(crowd), pred(shifted, 0.9)));
        assertEquals(1.0, AveragePrecision.at(images, 0.4), 1e-12);
        assertEquals(0.0, AveragePrecision.at(images, 0.5), 1e-12);
    }

    @Test
    void apFallsAsTheThresholdRisesPastTheIou() {
        Box p = new Box(0, 0, 10, 14); // IoU 140/200 = 0.7 with G1
        List<ImageScore> images = List.of(image(List.of(G1), List.of(), pred(p, 0.9)));
        assertEquals(1.0, AveragePrecision.at(images, 0.7), 0.0);
        assertEquals(0.0, AveragePrecision.at(images, 0.75), 0.0);
        // 0.50, 0.55, 0.60, 0.65, 0.70 of the ten thresholds
        assertEquals(0.5, AveragePrecision.coco(images), 1e-12);
        assertEquals(1.0, AveragePrecision.ap50(images), 0.0);
    }

    @Test
    void edgeCases() {
        // no ground truth anywhere: 1 without counted predictions, 0 with one
        assertEquals(1.0, AveragePrecision.ap50(List.of()));
        assertEquals(1.0, AveragePrecision.ap50(List.of(image(List.of(), List.of()))));
        assertEquals(0.0, AveragePrecision.ap50(List.of(image(List.of(), List.of(), pred(MISS, 0.3)))));
        assertEquals(1.0, AveragePrecision.ap50(List.of(image(List.of(), List.of(MISS), pred(MISS, 0.3)))));
        // ground truth but no predictions: 0
        assertEquals(0.0, AveragePrecision.ap50(List.of(image(List.of(G1), List.of()))));
        assertEquals(
                0.0, AveragePrecision.coco(List.of(image(List.of(G1, G2), List.of()), image(List.of(), List.of()))));
        // half the truth found, nothing wrong: precision 1 up to recall 0.5, 51 points of 101
        assertEquals(
                51.0 / 101, AveragePrecision.ap50(List.of(image(List.of(G1, G2), List.of(), pred(G2, 0.2)))), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.at(List.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.at(List.of(), 1.5));
    }

    @Test
    void recallPointsAreComparedExactly() {
        // 100 GT boxes, 29 found: recall 0.29 reaches the point 0.29 (30 points of 101, precision 1)
        List<Box> truth = new ArrayList<>();
        List<ScoredBox> preds = new ArrayList<>();
        for (int k = 0; k < 100; k++) {
            Box b = new Box(k, 0, k + 0.5, 1);
            truth.add(b);
            if (k < 29) {
                preds.add(pred(b, 0.5));
            }
        }
        assertEquals(30.0 / 101, AveragePrecision.ap50(List.of(new ImageScore(true, preds, truth, List.of()))), 1e-12);
    }
}
