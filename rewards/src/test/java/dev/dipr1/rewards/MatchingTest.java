package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MatchingTest {

    static Box b(double x1, double y1, double x2, double y2) {
        return new Box(x1, y1, x2, y2);
    }

    @Test
    void emptySidesMatchNothing() {
        MatchResult m = Matching.match(List.of(), List.of(b(0, 0, 1, 1)), 0.5, true);
        assertEquals(0, m.pairs());
        MatchResult m2 = Matching.match(List.of(b(0, 0, 1, 1)), List.of(), 0.5, true);
        assertArrayEquals(new int[] {-1}, m2.predToGt());
    }

    @Test
    void pairsBelowTauAreNeverMatched() {
        // IoU = 1/3
        MatchResult m = Matching.match(List.of(b(0, 0, 10, 10)), List.of(b(5, 0, 15, 10)), 0.5, true);
        assertEquals(0, m.pairs());
        assertEquals(0.0, m.iouSum());
        assertArrayEquals(new int[] {-1}, m.predToGt());
    }

    @Test
    void iouExactlyTauMayBeMatched() {
        // IoU = 50 / 100 = 0.5 exactly
        MatchResult m = Matching.match(List.of(b(0, 0, 10, 5)), List.of(b(0, 0, 10, 10)), 0.5, true);
        assertEquals(1, m.pairs());
        assertEquals(0.5, m.iouSum());
    }

    @Test
    void greedyWouldBeWrongSoftPicksTheBestSum() {
        // p0-g0 0.9, p0-g1 0.6, p1-g0 0.8, p1-g1 0.5 (< τ = 0.55). Greedy p0→g0 gives 0.9;
        // the optimum p0→g1, p1→g0 gives 1.4.
        List<Box> preds = List.of(b(0, 0, 100, 100), b(0, 10, 100, 100));
        List<Box> gt = List.of(b(0, 0, 100, 90), b(0, 0, 100, 60));
        MatchResult m = Matching.match(preds, gt, 0.55, true);
        assertEquals(2, m.pairs());
        assertEquals(1.4, m.iouSum(), 1e-12);
        assertArrayEquals(new int[] {1, 0}, m.predToGt());
    }

    @Test
    void softAndHardDisagreeWhenOnePerfectPairBeatsTwoWeakOnes() {
        // τ = 0.3: p0-g0 = 1.0 alone beats p0-g1 + p1-g0 = 0.35 + 0.35, but hard counts 2 pairs over 1.
        Box p0 = b(0, 0, 100, 100);
        Box p1 = b(0, 65, 100, 100);
        Box g0 = b(0, 0, 100, 100);
        Box g1 = b(0, 0, 100, 35);
        MatchResult soft = Matching.match(List.of(p0, p1), List.of(g0, g1), 0.3, true);
        assertEquals(1, soft.pairs());
        assertEquals(1.0, soft.iouSum());
        assertArrayEquals(new int[] {0, -1}, soft.predToGt());
        MatchResult hard = Matching.match(List.of(p0, p1), List.of(g0, g1), 0.3, false);
        assertEquals(2, hard.pairs());
        assertEquals(0.7, hard.iouSum(), 1e-12);
        assertArrayEquals(new int[] {1, 0}, hard.predToGt());
    }

    @Test
    void tauOutsideUnitIntervalIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Matching.match(List.of(), List.of(), 0.0, true));
        assertThrows(IllegalArgumentException.class, () -> Matching.match(List.of(), List.of(), 1.5, true));
    }

    @Test
    void agreesWithBruteForceOnSmallRandomCases() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 3000; trial++) {
            int n = rnd.nextInt(6);
            int m = rnd.nextInt(6);
            List<Box> preds = randomBoxes(rnd, n);
            List<Box> gt = randomBoxes(rnd, m);
            double tau = new double[] {0.1, 0.3, 0.5, 0.7}[rnd.nextInt(4)];
            for (boolean soft : new boolean[] {true, false}) {
                MatchResult r = Matching.match(preds, gt, tau, soft);
                double[] best = bruteForce(preds, gt, tau);
                String ctx = "trial " + trial + " soft=" + soft;
                if (soft) {
                    assertEquals(best[0], r.iouSum(), 1e-12, ctx);
                } else {
                    assertEquals((int) best[1], r.pairs(), ctx);
                }
                checkConsistent(r, preds, gt, tau, ctx);
            }
        }
    }

    @Test
    void largeDenseCaseIsConsistent() {
        Random rnd = new Random(11);
        List<Box> preds = new ArrayList<>();
        List<Box> gt = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            gt.add(b(rnd.nextInt(20), rnd.nextInt(20), 80 + rnd.nextInt(20), 80 + rnd.nextInt(20)));
            preds.add(b(rnd.nextInt(20), rnd.nextInt(20), 80 + rnd.nextInt(20), 80 + rnd.nextInt(20)));
        }
        MatchResult r = Matching.match(preds, gt, 0.5, true);
        assertEquals(60, r.pairs());
        checkConsistent(r, preds, gt, 0.5, "dense");
    }

    static List<Box> randomBoxes(Random rnd, int n) {
        List<Box> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int x = rnd.nextInt(20);
            int y = rnd.nextInt(20);
            out.add(b(x, y, x + 1 + rnd.nextInt(12), y + 1 + rnd.nextInt(12)));
        }
        return out;
    }

    /** {best Σ IoU, best number of pairs} over every injective partial assignment. */
    static double[] bruteForce(List<Box> preds, List<Box> gt, double tau) {
        double[] best = {0, 0};
        search(preds, gt, tau, 0, new boolean[gt.size()], 0.0, 0, best);
        return best;
    }

    private static void search(
            List<Box> preds, List<Box> gt, double tau, int i, boolean[] used, double sum, int pairs, double[] best) {
        if (i == preds.size()) {
            best[0] = Math.max(best[0], sum);
            best[1] = Math.max(best[1], pairs);
            return;
        }
        search(preds, gt, tau, i + 1, used, sum, pairs, best); // unmatched
        for (int j = 0; j < gt.size(); j++) {
            double v = Box.iou(preds.get(i), gt.get(j));
            if (!used[j] && v >= tau) {
                used[j] = true;
                search(preds, gt, tau, i + 1, used, sum + v, pairs + 1, best);
                used[j] = false;
            }
        }
    }

    static void checkConsistent(MatchResult r, List<Box> preds, List<Box> gt, double tau, String ctx) {
        Set<Integer> seen = new HashSet<>();
        double sum = 0;
        int pairs = 0;
        for (int i = 0; i < preds.size(); i++) {
            int j = r.predToGt()[i];
            if (j >= 0) {
                assertTrue(seen.add(j), ctx + ": GT matched twice");
                double v = Box.iou(preds.get(i), gt.get(j));
                assertTrue(v >= tau, ctx + ": pair below tau");
                sum += v;
                pairs++;
            }
        }
        assertEquals(pairs, r.pairs(), ctx);
        assertEquals(sum, r.iouSum(), 1e-12, ctx);
    }
}
