package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dipr1.rewards.Box;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BestOfSamplesTest {

    private static final Box A = new Box(0, 0, 10, 10);
    private static final Box B = new Box(20, 0, 30, 10);

    /** One image with ground truth A and B; {@code hits} answer boxes on them and {@code misses} far away. */
    static ImageScore image(int hits, int misses) {
        List<ScoredBox> answer = new ArrayList<>();
        List<Box> truth = List.of(A, B);
        for (int k = 0; k < hits; k++) {
            answer.add(new ScoredBox(truth.get(k), 1, false, k, 1.0));
        }
        for (int k = 0; k < misses; k++) {
            answer.add(new ScoredBox(new Box(50 + 12 * k, 50, 60 + 12 * k, 60), 1, false, -1, 0));
        }
        return new ImageScore(true, answer, truth, List.of());
    }

    static Evaluation draw(ImageScore... images) {
        return Evaluation.of("in-domain", List.of(images));
    }

    @Test
    void imageF1CountsMatchesAgainstPredictionsAndTruth() {
        assertEquals(1.0, BestOfSamples.imageF1(image(2, 0)));
        assertEquals(2.0 * 1 / (1 + 2), BestOfSamples.imageF1(image(1, 0)), 1e-12);
        assertEquals(2.0 * 2 / (4 + 2), BestOfSamples.imageF1(image(2, 2)), 1e-12);
        assertEquals(0.0, BestOfSamples.imageF1(image(0, 1)));
        assertEquals(
                1.0, BestOfSamples.imageF1(new ImageScore(true, List.of(), List.of(), List.of())), "nothing to find");
    }

    @Test
    void eachImageTakesItsBestDrawAndTheFirstOfEquals() {
        ImageScore weak0 = image(1, 0);
        ImageScore best0 = image(2, 0);
        ImageScore best1 = image(1, 0);
        ImageScore tie1 = image(1, 0);
        ImageScore miss2 = image(0, 2);
        ImageScore miss2b = image(0, 1);
        Evaluation first = draw(weak0, best1, miss2);
        Evaluation second = draw(best0, tie1, miss2b);

        Evaluation best = BestOfSamples.pick(List.of(first, second));

        assertSame(best0, best.images().get(0), "image 0: the second draw found both people");
        assertSame(best1, best.images().get(1), "image 1: equal F1, the first draw");
        assertSame(miss2, best.images().get(2), "image 2: both 0, the first draw");
        assertEquals(Metrics.f1(List.of(best0, best1, miss2)), best.result().f1(), 1e-12);
        assertEquals("in-domain", best.result().split());
        assertEquals(
                (first.result().f1() + second.result().f1()) / 2, BestOfSamples.meanF1(List.of(first, second)), 1e-12);
    }

    @Test
    void theBestOfOneDrawIsThatDraw() {
        Evaluation only = draw(image(1, 1), image(0, 1));
        assertEquals(only.images(), BestOfSamples.pick(List.of(only)).images());
    }

    @Test
    void drawsOfDifferentScenesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BestOfSamples.pick(List.of()));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BestOfSamples.pick(List.of(draw(image(1, 0)), draw(image(1, 0), image(2, 0)))));
        assertEquals("draws of 1 and 2 images: every draw must score the same scenes", e.getMessage());
    }
}
