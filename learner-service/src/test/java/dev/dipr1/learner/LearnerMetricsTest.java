package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dipr1.learner.GroupFilter.Decision;
import dev.dipr1.learner.GroupFilter.DropReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearnerMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LearnerMetrics metrics = new LearnerMetrics(registry);

    private double dropped(DropReason reason) {
        return registry.get("batch/dropped")
                .tag("reason", reason.tag())
                .counter()
                .count();
    }

    @Test
    void dropsAreCountedByReasonAndOnlyAcceptedGroupsRecordStaleness() {
        metrics.judged(Decision.drop(DropReason.STALE, 9, false));
        metrics.judged(Decision.drop(DropReason.STALE, 7, false));
        metrics.judged(Decision.drop(DropReason.DUPLICATE, 0, false));
        metrics.judged(Decision.accept(2, false));
        assertEquals(2, dropped(DropReason.STALE));
        assertEquals(1, dropped(DropReason.DUPLICATE));
        assertEquals(0, dropped(DropReason.ZERO_VARIANCE));
        var staleness = registry.get("rollout/staleness").summary();
        assertEquals(1, staleness.count());
        assertEquals(2, staleness.totalAmount());
    }

    @Test
    void zeroVarianceFractionIsOverAllJudgedGroups() {
        assertEquals(0.0, metrics.zeroVarianceFraction(), "no groups yet: 0, not NaN");
        metrics.judged(Decision.drop(DropReason.ZERO_VARIANCE, 0, true));
        metrics.judged(Decision.accept(0, true));
        metrics.judged(Decision.accept(0, false));
        metrics.judged(Decision.drop(DropReason.DUPLICATE, 0, false));
        assertEquals(0.5, metrics.zeroVarianceFraction());
    }

    @Test
    void aStepIsRecordedInItsNamespacedSummariesAndTheThroughputGauge() {
        StepStats s = new StepStats(
                1,
                0,
                List.of("g"),
                6,
                0.25,
                0.01,
                0.125,
                2.0,
                1.0,
                0.5,
                0.75,
                2.25,
                List.of(0L),
                0.1,
                3.0,
                1.5,
                0.5,
                0.25,
                0.125,
                new java.util.TreeMap<>(java.util.Map.of(0L, 1)));
        metrics.stepTaken(s);
        assertEquals(0.25, registry.get("loss/policy").summary().totalAmount());
        assertEquals(0.01, registry.get("loss/kl").summary().totalAmount());
        assertEquals(0.125, registry.get("clip_ratio").summary().totalAmount());
        assertEquals(1.0, registry.get("reward/format").summary().totalAmount());
        assertEquals(0.5, registry.get("reward/look").summary().totalAmount());
        assertEquals(0.75, registry.get("reward/accuracy").summary().totalAmount());
        assertEquals(0.1, registry.get("batch/zero_variance_fraction").summary().totalAmount());
        assertEquals(1.5, registry.get("policy/entropy").summary().totalAmount());
        assertEquals(2.0, registry.get("grad_norm").summary().totalAmount());
        assertEquals(0.5, registry.get("reward_std/format").summary().totalAmount());
        assertEquals(0.25, registry.get("reward_std/look").summary().totalAmount());
        assertEquals(0.125, registry.get("reward_std/accuracy").summary().totalAmount());
        assertEquals(2.0, registry.get("throughput/samples_per_s").gauge().value());
    }
}
