package dev.dipr1.rewardstream;

import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.ScoredGroup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-policy-version reward statistics: mean of each reward, zero-variance fraction, groups/s.
 * Recorded as Micrometer meters tagged with the policy version ({@code reward/format},
 * {@code reward/look}, {@code reward/accuracy}, {@code reward/total}, {@code groups/scored},
 * {@code groups/zero_variance}, {@code groups/dead_lettered}) and summarised for the periodic log line.
 */
public final class RewardStatistics {

    private final MeterRegistry registry;
    private final Map<Long, Totals> byVersion = new TreeMap<>();
    private final AtomicLong deadLettered = new AtomicLong();
    private long windowStartMs = -1;
    private long windowGroups;

    public RewardStatistics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Running sums for one policy version. */
    public static final class Totals {
        long groups;
        long zeroVariance;
        long completions;
        double format;
        double look;
        double accuracy;
        double total;

        public long groups() {
            return groups;
        }

        public double meanFormat() {
            return completions == 0 ? 0 : format / completions;
        }

        public double meanLook() {
            return completions == 0 ? 0 : look / completions;
        }

        public double meanAccuracy() {
            return completions == 0 ? 0 : accuracy / completions;
        }

        public double meanTotal() {
            return completions == 0 ? 0 : total / completions;
        }

        public double zeroVarianceFraction() {
            return groups == 0 ? 0 : (double) zeroVariance / groups;
        }
    }

    public synchronized void record(ScoredGroup g, long nowMs) {
        long version = g.getRollout().getPolicyVersion();
        String tag = Long.toString(version);
        Totals t = byVersion.computeIfAbsent(version, v -> new Totals());
        t.groups++;
        if (g.getZeroVariance()) {
            t.zeroVariance++;
            Counter.builder("groups/zero_variance")
                    .tag("policy_version", tag)
                    .register(registry)
                    .increment();
        }
        Counter.builder("groups/scored")
                .tag("policy_version", tag)
                .register(registry)
                .increment();
        for (CompletionScore s : g.getScores()) {
            t.completions++;
            t.format += s.getFormat();
            t.look += s.getLook();
            t.accuracy += s.getAccuracy();
            t.total += s.getTotal();
            summary("reward/format", tag).record(s.getFormat());
            summary("reward/look", tag).record(s.getLook());
            summary("reward/accuracy", tag).record(s.getAccuracy());
            summary("reward/total", tag).record(s.getTotal());
        }
        if (windowStartMs < 0) {
            windowStartMs = nowMs;
        }
        windowGroups++;
    }

    public void recordDeadLetter() {
        deadLettered.incrementAndGet();
        registry.counter("groups/dead_lettered").increment();
    }

    public synchronized Map<Long, Totals> snapshot() {
        return Map.copyOf(byVersion);
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** One log line per policy version seen, then resets the groups/s window. */
    public synchronized String summarise(long nowMs) {
        double seconds = windowStartMs < 0 ? 0 : Math.max(1e-3, (nowMs - windowStartMs) / 1000.0);
        StringBuilder sb = new StringBuilder(String.format(
                "%.1f groups/s, %d dead-lettered", seconds == 0 ? 0.0 : windowGroups / seconds, deadLettered.get()));
        byVersion.forEach((v, t) -> sb.append(String.format(
                "; policy v%d: %d groups, format %.3f, look %.3f, accuracy %.3f, total %.3f, zero-variance %.0f%%",
                v,
                t.groups,
                t.meanFormat(),
                t.meanLook(),
                t.meanAccuracy(),
                t.meanTotal(),
                100 * t.zeroVarianceFraction())));
        windowStartMs = nowMs;
        windowGroups = 0;
        return sb.toString();
    }

    private DistributionSummary summary(String name, String version) {
        return DistributionSummary.builder(name).tag("policy_version", version).register(registry);
    }
}
