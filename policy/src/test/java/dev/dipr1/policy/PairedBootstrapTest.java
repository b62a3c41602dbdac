package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.rewards.Box;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    /** 1–4 people per image, side by side. */
    static List<List<Box>> truths(int n, long seed) {
        Random rnd = new Random(seed);
        List<List<Box>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Box> t = new ArrayList<>();
            int people = 1 + rnd.nextInt(4);
            for (int k = 0; k < people; k++) {
                t.add(new Box(15 * k, 10, 15 * k + 10, 40));
            }
            out.add(t);
        }
        return out;
    }

    /** A policy that finds each person with probability {@code find} and adds a false box with probability {@code fp}. */
    static List<ImageScore> detector(List<List<Box>> truths, double find, double fp, long seed) {
        Random rnd = new Random(seed);
        List<ImageScore> out = new ArrayList<>();
        for (List<Box> truth : truths) {
            List<ScoredBox> answer = new ArrayList<>();
            for (int k = 0; k < truth.size(); k++) {
                if (rnd.nextDouble() < find) {
                    answer.add(new ScoredBox(truth.get(k), 0.5 + 0.5 * rnd.nextDouble(), false, k, 1.0));
                }
            }
            if (rnd.nextDouble() < fp) {
                answer.add(new ScoredBox(new Box(0, 50, 10, 64), 0.6 * rnd.nextDouble(), false, -1, 0));
            }
            out.add(new ImageScore(true, answer, truth, List.of()));
        }
        return out;
    }

    @Test
    void theFastApBootstrapGivesTheIntervalOfRankingEveryResampleAnew() {
        List<List<Box>> truths = truths(150, 11);
        List<ImageScore> a = detector(truths, 0.6, 0.4, 12);
        List<ImageScore> b = detector(truths, 0.75, 0.3, 13);
        // lambdas are not AveragePrecision.Metric: they take the slow path, ranking each resample
        ToDoubleFunction<List<ImageScore>> slow50 = images -> AveragePrecision.at(images, 0.5);
        ToDoubleFunction<List<ImageScore>> slowCoco = AveragePrecision::coco;
        for (var pair : List.of(List.of(Metrics.AP50, slow50), List.of(Metrics.AP, slowCoco))) {
            PairedBootstrap.Delta fast = PairedBootstrap.delta(a, b, pair.get(0), 200, 5);
            PairedBootstrap.Delta slow = PairedBootstrap.delta(a, b, pair.get(1), 200, 5);
            assertEquals(slow.delta(), fast.delta(), 1e-12);
            assertEquals(slow.ciLow(), fast.ciLow(), 1e-12);
            assertEquals(slow.ciHigh(), fast.ciHigh(), 1e-12);
        }
    }

    @Test
    void identicalEvaluationsDifferByExactlyNothing() {
        List<ImageScore> a = detector(truths(300, 1), 0.6, 0.3, 2);
        PairedBootstrap.Delta d = PairedBootstrap.delta(a, List.copyOf(a), Metrics.F1, 500, 3);
        assertEquals(new PairedBootstrap.Delta(0, 0, 0), d);
        assertEquals(new PairedBootstrap.Delta(0, 0, 0), PairedBootstrap.delta(a, a, Metrics.AP50, 50, 3));
    }

    @Test
    void aClearlyBetterPolicyHasAnIntervalAboveZero() {
        List<List<Box>> truth = truths(400, 1);
        List<ImageScore> a = detector(truth, 0.5, 0.3, 2);
        List<ImageScore> b = detector(truth, 0.7, 0.3, 3);
        PairedBootstrap.Delta f1 = PairedBootstrap.delta(a, b, Metrics.F1, 1000, 4);
        assertEquals(Metrics.f1(b) - Metrics.f1(a), f1.delta(), 0.0);
        assertTrue(f1.ciLow() > 0 && f1.ciLow() < f1.delta() && f1.delta() < f1.ciHigh(), f1.toString());
        // generic over the metric: recall and AP see it too, and B → A is the mirror image
        assertTrue(PairedBootstrap.delta(a, b, Metrics.RECALL, 500, 4).ciLow() > 0);
        assertTrue(PairedBootstrap.delta(a, b, Metrics.AP50, 200, 4).ciLow() > 0);
        PairedBootstrap.Delta back = PairedBootstrap.delta(b, a, Metrics.F1, 1000, 4);
        assertEquals(-f1.delta(), back.delta(), 0.0);
        assertEquals(-f1.ciLow(), back.ciHigh(), 1e-12);
    }

    @Test
    void aTinyDifferenceIsNotCalledASignificantOne() {
        List<List<Box>> truth = truths(200, 5);
        List<ImageScore> a = detector(truth, 0.6, 0.3, 6);
        List<ImageScore> b = detector(truth, 0.6, 0.3, 7); // the same policy, other luck
        PairedBootstrap.Delta d = PairedBootstrap.delta(a, b, Metrics.F1, 1000, 4);
        assertTrue(d.ciLow() < 0 && d.ciHigh() > 0, d.toString());
    }

    @Test
    void theSameInputsGiveTheSameIntervalBitForBitAndAnotherSeedAnotherOne() {
        List<List<Box>> truth = truths(300, 1);
        List<ImageScore> a = detector(truth, 0.5, 0.3, 2);
        List<ImageScore> b = detector(truth, 0.6, 0.3, 3);
        PairedBootstrap.Delta first = PairedBootstrap.delta(a, b, Metrics.F1, 800, 9);
        PairedBootstrap.Delta again = PairedBootstrap.delta(List.copyOf(a), List.copyOf(b), Metrics.F1, 800, 9);
        assertEquals(first, again);
        PairedBootstrap.Delta other = PairedBootstrap.delta(a, b, Metrics.F1, 800, 10);
        assertEquals(first.delta(), other.delta(), 0.0);
        assertNotEquals(first.ciLow(), other.ciLow());
        assertEquals(first.ciLow(), other.ciLow(), 0.02);
        assertEquals(first.ciHigh(), other.ciHigh(), 0.02);
    }

    @Test
    void moreImagesNarrowTheInterval() {
        List<List<Box>> truth = truths(2000, 1);
        List<ImageScore> a = detector(truth, 0.5, 0.3, 2);
        List<ImageScore> b = detector(truth, 0.6, 0.3, 3);
        PairedBootstrap.Delta few = PairedBootstrap.delta(a.subList(0, 100), b.subList(0, 100), Metrics.F1, 1000, 4);
        PairedBootstrap.Delta many = PairedBootstrap.delta(a, b, Metrics.F1, 1000, 4);
        double wFew = few.ciHigh() - few.ciLow();
        double wMany = many.ciHigh() - many.ciLow();
        // the width shrinks like 1/√n: √20 ≈ 4.5 here
        assertTrue(wMany < wFew / 3 && wMany > wFew / 7, wFew + " → " + wMany);
    }

    @Test
    void oneSampleIntervalAroundTheMetric() {
        List<ImageScore> a = detector(truths(500, 1), 0.5, 0.3, 2);
        PairedBootstrap.Interval i = PairedBootstrap.interval(a, Metrics.RECALL, 1000, 4);
        assertEquals(Metrics.recall(a), i.estimate(), 0.0);
        assertTrue(i.ciLow() < i.estimate() && i.estimate() < i.ciHigh(), i.toString());
        // a binomial-like share: the interval is about ±2 standard errors
        double se = Math.sqrt(0.5 * 0.5 / (2.5 * 500));
        assertEquals(4 * se, i.ciHigh() - i.ciLow(), 1.5 * se);
    }

    @Test
    void f1DeltaOfTwoEvaluations() {
        List<List<Box>> truth = truths(300, 1);
        Evaluation a = Evaluation.of("a", detector(truth, 0.5, 0.3, 2));
        Evaluation b = Evaluation.of("b", detector(truth, 0.7, 0.3, 3));
        PairedBootstrap.Delta d = PairedBootstrap.f1Delta(a, b);
        assertEquals(b.result().f1() - a.result().f1(), d.delta(), 1e-15);
        assertEquals(
                PairedBootstrap.delta(
                        a.images(),
                        b.images(),
                        Metrics.F1,
                        PairedBootstrap.DEFAULT_RESAMPLES,
                        PairedBootstrap.DEFAULT_SEED),
                d);
    }

    @Test
    void rejectsUnpairedInputs() {
        List<ImageScore> a = detector(truths(50, 1), 0.5, 0.3, 2);
        List<ImageScore> other = detector(truths(50, 2), 0.5, 0.3, 2);
        assertThrows(
                IllegalArgumentException.class, () -> PairedBootstrap.delta(a, a.subList(0, 49), Metrics.F1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.delta(a, other, Metrics.F1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.delta(a, a, Metrics.F1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> PairedBootstrap.interval(List.of(), Metrics.F1, 10, 1));
    }

    @Test
    void percentilesInterpolateBetweenOrderStatistics() {
        double[] v = new double[41];
        for (int i = 0; i < v.length; i++) {
            v[i] = 40 - i; // 0..40, reversed
        }
        double[] p = PairedBootstrap.percentiles(v);
        assertEquals(1.0, p[0], 1e-12); // 40 · 0.025
        assertEquals(39.0, p[1], 1e-12);
    }
}
