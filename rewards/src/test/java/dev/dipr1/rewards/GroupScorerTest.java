package dev.dipr1.rewards;

import static dev.dipr1.rewards.Completions.canonical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupScorerTest {

    static final List<Box> GT = List.of(new Box(0, 0, 10, 10), new Box(50, 50, 60, 60));

    @Test
    void scoresAGroupEndToEnd() {
        GroupInput in = new GroupInput(
                "g1",
                100,
                100,
                GT,
                List.of(),
                List.of(
                        canonical("t", "", "[[0,0,10,10],[50,50,60,60]]"), // perfect, consensus box K1 + K2
                        canonical("t", "[[50,50,60,60]]", "[[0,0,10,10]]"), // misses one
                        "no tags at all"));
        GroupScore s = GroupScorer.score(in, RewardConfig.defaults());
        CompletionScore a = s.completions().get(0);
        CompletionScore b = s.completions().get(1);
        CompletionScore c = s.completions().get(2);
        // clusters: K1 = {[0,0,10,10] ×2} f = ⅔ → u = 4·⅔·⅓ = 8/9; K2 = {[50,50,60,60]} f = ⅓ → u = 8/9
        assertEquals(1.0, a.format());
        assertEquals(0.0, a.look()); // U non-empty and no look
        assertEquals(1.0, a.accuracy());
        assertEquals(2.0, a.total());
        // b looks at K2 only: coverage ½, precision 1 → ⅔; accuracy: precision 1, recall ½ → 0.75
        assertEquals(2.0 / 3.0, b.look(), 1e-15);
        assertEquals(0.75, b.accuracy());
        assertEquals(1.0 + 2.0 / 3.0 + 0.75, b.total(), 1e-15);
        assertEquals(0.0, c.total());
        assertEquals(0.0, c.format());
        double mean = (a.total() + b.total() + c.total()) / 3;
        assertEquals(mean, s.mean(), 1e-15);
        assertFalse(s.zeroVariance());
        assertEquals((a.total() - mean) / (s.std() + 1e-4), a.advantage(), 1e-15);
    }

    @Test
    void tooLongCompletionScoresZeroEverywhere() {
        String tooLong = canonical("x".repeat(CompletionParser.MAX_CODE_POINTS), "", "[[0,0,10,10],[50,50,60,60]]");
        GroupInput in = new GroupInput("g", 100, 100, GT, List.of(), List.of(tooLong, canonical("t", "", "")));
        CompletionScore s =
                GroupScorer.score(in, RewardConfig.defaults()).completions().get(0);
        assertTrue(s.tooLong());
        assertEquals(0.0, s.format());
        assertEquals(0.0, s.look());
        assertEquals(0.0, s.accuracy());
        assertEquals(0.0, s.total());
    }

    @Test
    void lambdasWeighTheTotal() {
        RewardConfig c = new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 0.5, 0.0, 2.0, 1e-4, true);
        GroupInput in = new GroupInput("g", 100, 100, GT, List.of(), List.of(canonical("t", "", "[[0,0,10,10]]")));
        CompletionScore s = GroupScorer.score(in, c).completions().get(0);
        assertEquals(0.5 * 1.0 + 2.0 * 0.75, s.total());
        assertEquals(0.0, s.advantage()); // group of one
    }

    @Test
    void identicalCompletionsAreZeroVariance() {
        String t = canonical("t", "", "[[0,0,10,10]]");
        GroupScore s = GroupScorer.score(
                new GroupInput("g", 100, 100, GT, List.of(), List.of(t, t, t, t)), RewardConfig.defaults());
        assertTrue(s.zeroVariance());
        s.completions().forEach(c -> assertEquals(0.0, c.advantage()));
    }

    @Test
    void invalidBoxesAreReported() {
        GroupInput in = new GroupInput(
                "g",
                100,
                100,
                GT,
                List.of(),
                List.of(canonical("t", "[[1,1,1,1]]", "[[0,0,10,10],[200,200,300,300]]")));
        CompletionScore s =
                GroupScorer.score(in, RewardConfig.defaults()).completions().get(0);
        assertEquals(2, s.invalidBoxes());
        assertEquals(0.0, s.format());
        assertEquals(0.75, s.accuracy()); // the valid answer box still counts
    }

    @Test
    void inputIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new GroupInput("g", 0, 100, GT, List.of(), List.of("x")));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GroupInput("g", 100, Double.NaN, GT, List.of(), List.of("x")));
        assertThrows(IllegalArgumentException.class, () -> new GroupInput("g", 100, 100, GT, List.of(), List.of()));
        assertEquals(List.of(), new GroupInput("g", 1, 1, GT, null, List.of("x")).ignore());
    }
}
