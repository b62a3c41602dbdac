package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryBoundTest {

    static StepStats step(long n) {
        var g = ScoredGroups.group(
                "g" + n, 1, 1.0, 0, new ScoredGroups.Sample(new int[] {1}, new float[] {-1f}, 1, 1.0, 0.3, 0.0));
        return StepStats.of(n, n, List.of(g), 1, new GrpoStep.Result(0, 0, 0, 0, 1), 0, 1);
    }

    @Test
    void theHistoryKeepsTheNewestStepsOnly() {
        ArrayDeque<StepStats> h = new ArrayDeque<>();
        for (long n = 1; n <= 25; n++) {
            LearnerService.keepNewest(h, step(n), 10);
        }
        assertEquals(10, h.size());
        assertEquals(16, h.getFirst().step());
        assertEquals(25, h.getLast().step());
        assertEquals(10_000, LearnerService.HISTORY_KEPT);
    }
}
