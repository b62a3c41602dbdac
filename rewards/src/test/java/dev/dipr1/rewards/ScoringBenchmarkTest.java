package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScoringBenchmarkTest {

    @Test
    void benchmarkGroupsAreRealistic() {
        List<GroupInput> groups = ScoringBenchmark.groups(50, 8, new Random(1));
        assertEquals(50, groups.size());
        int wellFormed = 0;
        int total = 0;
        for (GroupInput g : groups) {
            assertEquals(8, g.completions().size());
            assertTrue(g.gt().size() >= 10 && g.gt().size() <= 30);
            for (String c : g.completions()) {
                wellFormed += CompletionParser.parse(c, g.width(), g.height()).wellFormed() ? 1 : 0;
                total++;
            }
        }
        assertTrue(wellFormed > total / 2 && wellFormed < total, "well formed: " + wellFormed + "/" + total);
    }

    @Test
    void smokeRunScoresEveryCompletionOfEveryPass() {
        ScoringBenchmark.Result r = ScoringBenchmark.run(20, 8, 1);

        assertTrue(r.passes() >= 1);
        assertEquals((long) r.passes() * 20 * 8, r.completions());
        assertEquals(r.completions() / r.seconds(), r.completionsPerSecond(), 1e-9 * r.completionsPerSecond());
        // The rewards of the benchmark's own groups, scored here: the benchmark scored what it claims.
        double sum = 0;
        for (GroupInput in : ScoringBenchmark.groups(20, 8, new Random(1))) {
            sum += GroupScorer.score(in, RewardConfig.defaults()).mean();
        }
        assertEquals(sum / 20, r.meanReward(), 1e-12);
        // Noisy copies of the GT in canonical form mostly score well: format 1 and accuracy near 1.
        assertTrue(r.meanReward() > 1.0 && r.meanReward() < 3.0, "mean reward " + r.meanReward());
    }

    @Test
    void aPerfectAndATruncatedCompletionScoreAsTheSpecSays() {
        List<Box> gt = List.of(new Box(10, 10, 50, 50), new Box(100, 100, 200, 150));
        String perfect = Completions.canonical("two boxes", "", "[[10,10,50,50],[100,100,200,150]]");
        GroupInput in = new GroupInput(
                "known", 640, 480, gt, List.of(), List.of(perfect, perfect.substring(0, perfect.length() - 1)));

        GroupScore s = GroupScorer.score(in, RewardConfig.defaults());

        // §2/§3: the perfect one is well formed and matches every GT box with IoU 1; the cut one has
        // no </answer>. §4: each answer box opens a cluster with f = 1/2, u = 1: uncertain regions the
        // empty look block does not cover. §5: totals 2 and 0, mean 1, std √2.
        assertEquals(
                new CompletionScore(1, 0, 1, 2, 1 / (Math.sqrt(2) + 1e-4), false, 0),
                s.completions().get(0));
        assertEquals(
                new CompletionScore(0, 0, 0, 0, -1 / (Math.sqrt(2) + 1e-4), false, 0),
                s.completions().get(1));
    }
}
