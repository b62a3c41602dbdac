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
        GrpoStep.Result result = new GrpoStep.Result(-0.1, 0.02, 0.25, 1.5, 2.75);
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
        assertEquals(2.75, s.entropy(), "the entropy the loss pass measured");
    }

    private static Sample scored(double format, double look, double accuracy) {
        return new Sample(new int[] {1}, new float[] {-1f}, 0.5, format, look, accuracy);
    }

    @Test
    void perRewardSpreadIsTheMeanOverGroupsOfEachGroupsSampleStd() {
        // format varies only in a, look only in b, accuracy in both; c has one completion (no spread)
        var a = ScoredGroups.group("a", 2, 1.0, 0, scored(0, 0.5, 0.2), scored(1, 0.5, 0.4), scored(1, 0.5, 0.6));
        var b = ScoredGroups.group("b", 2, 1.0, 0, scored(1, 0.1, 0.0), scored(1, 0.9, 1.0));
        var c = ScoredGroups.group("c", 2, 1.0, 0, scored(0, 1.0, 1.0));

        StepStats s = StepStats.of(1, 3, List.of(a, b, c), 6, new GrpoStep.Result(0, 0, 0, 0, 1), 0, 1);

        double stdA = Math.sqrt((2 * Math.pow(1 - 2.0 / 3, 2) + Math.pow(2.0 / 3, 2)) / 2); // {0,1,1}
        assertEquals(stdA / 3, s.stdFormat(), 1e-12);
        assertEquals(Math.sqrt(2 * 0.4 * 0.4) / 3, s.stdLook(), 1e-12); // b: {0.1, 0.9}
        assertEquals((0.2 + Math.sqrt(0.5)) / 3, s.stdAccuracy(), 1e-12); // a: {.2,.4,.6}, b: {0, 1}
    }

    @Test
    void theStalenessHistogramCountsGroupsPerVersionsOld() {
        var fresh = ScoredGroups.group("f", 9, 1.0, 0, scored(1, 0, 0), scored(0, 0, 0));
        var fresh2 = ScoredGroups.group("f2", 9, 1.0, 0, scored(1, 0, 0), scored(0, 0, 0));
        var old = ScoredGroups.group("o", 6, 1.0, 0, scored(1, 0, 0), scored(0, 0, 0));
        var older = ScoredGroups.group("o2", 5, 1.0, 0, scored(1, 0, 0), scored(0, 0, 0));

        StepStats s =
                StepStats.of(1, 9, List.of(old, fresh, older, fresh2), 8, new GrpoStep.Result(0, 0, 0, 0, 1), 0, 1);

        assertEquals(java.util.Map.of(0L, 2, 3L, 1, 4L, 1), s.stalenessHistogram());
        assertEquals(List.of(0L, 3L, 4L), List.copyOf(s.stalenessHistogram().keySet()), "ordered by age");
        assertEquals(List.of(3L, 0L, 4L, 0L), s.staleness(), "the per-group list stays in batch order");
    }
}
