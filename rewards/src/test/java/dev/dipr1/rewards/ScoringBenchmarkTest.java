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
    void smokeRun() {
        ScoringBenchmark.Result r = ScoringBenchmark.run(20, 8, 1);
        assertTrue(r.completions() >= 160);
        assertTrue(r.seconds() > 0 && r.completionsPerSecond() > 0);
    }
}
