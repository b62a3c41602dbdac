package dev.dipr1.learner;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's meters and its per-step log line: {@code batch/dropped} by reason,
 * {@code rollout/staleness} of accepted groups, {@code throughput/samples_per_s}, and one summary
 * per step statistic ({@code loss/policy}, {@code loss/kl}, {@code clip_ratio}, {@code reward/*},
 * {@code batch/zero_variance_fraction}, {@code policy/entropy}, {@code grad_norm}, {@code reward_std/*}). It also keeps the
 * tally behind the zero-variance fraction.
 */
final class LearnerMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerMetrics.class);
    private static final double[] STALENESS_BUCKETS = {0.5, 1.5, 2.5, 3.5, 4.5, 8.5, 16.5};

    private final MeterRegistry registry;
    private final Map<GroupFilter.DropReason, Counter> dropped = new EnumMap<>(GroupFilter.DropReason.class);
    private final DistributionSummary staleness;
    private final AtomicReference<Double> samplesPerSecond = new AtomicReference<>(0.0);
    private long groupsJudged;
    private long zeroVarianceGroups;

    LearnerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (GroupFilter.DropReason reason : GroupFilter.DropReason.values()) {
            dropped.put(reason, registry.counter("batch/dropped", "reason", reason.tag()));
        }
        this.staleness = DistributionSummary.builder("rollout/staleness")
                .serviceLevelObjectives(STALENESS_BUCKETS)
                .register(registry);
        registry.gauge("throughput/samples_per_s", samplesPerSecond, AtomicReference::get);
    }

    /** Counts a judged group: a drop by its reason, an accepted group by its staleness. */
    void judged(GroupFilter.Decision decision) {
        groupsJudged++;
        if (decision.zeroVariance()) {
            zeroVarianceGroups++;
        }
        decision.dropReason()
                .ifPresentOrElse(
                        reason -> dropped.get(reason).increment(), () -> staleness.record(decision.staleness()));
    }

    /** Zero-variance groups among all groups judged so far (0 before the first). */
    double zeroVarianceFraction() {
        return groupsJudged == 0 ? 0 : (double) zeroVarianceGroups / groupsJudged;
    }

    /** Records a finished step in the meters and the log. */
    void stepTaken(StepStats s) {
        samplesPerSecond.set(s.samples() / s.seconds());
        // Micrometer summaries drop negative amounts: loss/policy sees only the steps with a positive loss.
        registry.summary("loss/policy").record(s.policyLoss());
        registry.summary("loss/kl").record(s.kl());
        registry.summary("clip_ratio").record(s.clipRatio());
        registry.summary("reward/format").record(s.rewardFormat());
        registry.summary("reward/look").record(s.rewardLook());
        registry.summary("reward/accuracy").record(s.rewardAccuracy());
        registry.summary("batch/zero_variance_fraction").record(s.zeroVarianceFraction());
        registry.summary("policy/entropy").record(s.entropy());
        registry.summary("grad_norm").record(s.gradNorm());
        registry.summary("reward_std/format").record(s.stdFormat());
        registry.summary("reward_std/look").record(s.stdLook());
        registry.summary("reward_std/accuracy").record(s.stdAccuracy());
        LOG.info(String.format(
                "step %d (policy v%d): loss %.4f kl %.4f clip %.3f entropy %.3f | reward format %.3f look %.3f "
                        + "accuracy %.3f | staleness %s | zero-variance %.0f%% | %.1f samples/s",
                s.step(),
                s.policyVersion(),
                s.policyLoss(),
                s.kl(),
                s.clipRatio(),
                s.entropy(),
                s.rewardFormat(),
                s.rewardLook(),
                s.rewardAccuracy(),
                s.staleness(),
                100 * s.zeroVarianceFraction(),
                s.samples() / s.seconds()));
    }
}
