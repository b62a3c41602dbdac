package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dipr1.learner.ScoredGroups.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepStatsTest {

    @Test
    void rewardsAreMeansOverEveryCompletionAndStalenessIsPerGroup() {
        // Given two groups of 1 and 2 completions sampled at versions 3 and 5
        var a = ScoredGroups.group("a", 3, 1.0, 0, new Sample(new int[] {1}, new float[] {-1f}, 1, 1.0, 0.3, 0.0));
        var b = ScoredGroups.group(
                "b",
                5,
                1.0,
                0,
                new Sample(new int[] {1}, new float[] {-1f}, 1, 0.0, 0.6, 0.9),
                new Sample(new int[] {}, new float[] {}, 1, 1.0, 0.0, 0.3));
        GrpoStep.Result result = new GrpoStep.Result(-0.1, 0.02, 0.25, 1.5);
        // When
        StepStats s = StepStats.of(7, 6, List.of(a, b), 2, result, 0.125, 2.0);
        // Then the empty completion still counts towards the rewards: they are what the groups earned
        assertEquals(List.of("a", "b"), s.groupIds());
        assertEquals(List.of(3L, 1L), s.staleness());
        assertEquals(2.0 / 3, s.rewardFormat(), 1e-12);
        assertEquals(0.9 / 3, s.rewardLook(), 1e-12);
        assertEquals(1.2 / 3, s.rewardAccuracy(), 1e-12);
        assertEquals((1.3 + 1.5 + 1.3) / 3, s.rewardTotal(), 1e-12);
        assertEquals(7, s.step());
        assertEquals(6, s.policyVersion());
        assertEquals(2, s.samples());
        assertEquals(-0.1, s.policyLoss());
        assertEquals(0.02, s.kl());
        assertEquals(0.25, s.clipRatio());
        assertEquals(1.5, s.gradNorm());
        assertEquals(0.125, s.zeroVarianceFraction());
        assertEquals(2.0, s.seconds());
    }
}
