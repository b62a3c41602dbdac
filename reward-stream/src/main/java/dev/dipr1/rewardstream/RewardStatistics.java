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
 *
 * <p>Bounded: only the newest {@value #VERSIONS_KEPT} policy versions are kept, here and in the
 * registry (a run publishes thousands of versions; a meter per version and reward would grow the
 * heap and the scrape without end). An older version's meters are removed when it falls out.
 */
public final class RewardStatistics {

    /** How many policy versions the statistics and their meters keep. */
    public static final int VERSIONS_KEPT = 16;
    /** How many of the newest versions the periodic log line shows. */
    static final int VERSIONS_LOGGED = 3;

    private final MeterRegistry registry;
    private final TreeMap<Long, Totals> byVersion = new TreeMap<>();
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private long windowStartMs = -1;
    private long windowGroups;

    public RewardStatistics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Running sums for one policy version. */
    public static final class Totals {
        final java.util.List<io.micrometer.core.instrument.Meter> meters = new java.util.ArrayList<>();
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
        scored.incrementAndGet();
        t.groups++;
        if (g.getZeroVariance()) {
            t.zeroVariance++;
            keep(
                            t,
                            Counter.builder("groups/zero_variance")
                                    .tag("policy_version", tag)
                                    .register(registry))
                    .increment();
        }
        keep(t, Counter.builder("groups/scored").tag("policy_version", tag).register(registry))
                .increment();
        DistributionSummary format = keep(t, summary("reward/format", tag));
        DistributionSummary look = keep(t, summary("reward/look", tag));
        DistributionSummary accuracy = keep(t, summary("reward/accuracy", tag));
        DistributionSummary total = keep(t, summary("reward/total", tag));
        for (CompletionScore s : g.getScores()) {
            t.completions++;
            t.format += s.getFormat();
            t.look += s.getLook();
            t.accuracy += s.getAccuracy();
            t.total += s.getTotal();
            format.record(s.getFormat());
            look.record(s.getLook());
            accuracy.record(s.getAccuracy());
            total.record(s.getTotal());
        }
        while (byVersion.size() > VERSIONS_KEPT) {
            byVersion.pollFirstEntry().getValue().meters.forEach(registry::remove);
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

    private static <M extends io.micrometer.core.instrument.Meter> M keep(Totals t, M meter) {
        if (!t.meters.contains(meter)) {
            t.meters.add(meter);
        }
        return meter;
    }

    /** The newest {@value #VERSIONS_KEPT} versions' totals. */
    public synchronized Map<Long, Totals> snapshot() {
        return Map.copyOf(byVersion);
    }

    /** Every group recorded, of any version. */
    public long scoredGroups() {
        return scored.get();
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    /** One log line: groups/s, dead letters and the newest {@value #VERSIONS_LOGGED} versions; resets the groups/s window. */
    public synchronized String summarise(long nowMs) {
        double seconds = windowStartMs < 0 ? 0 : Math.max(1e-3, (nowMs - windowStartMs) / 1000.0);
        StringBuilder sb = new StringBuilder(String.format(
                "%.1f groups/s, %d scored, %d dead-lettered",
                seconds == 0 ? 0.0 : windowGroups / seconds, scored.get(), deadLettered.get()));
        byVersion.descendingMap().entrySet().stream()
                .limit(VERSIONS_LOGGED)
                .forEach(e -> sb.append(String.format(
                        "; policy v%d: %d groups, format %.3f, look %.3f, accuracy %.3f, total %.3f, zero-variance %.0f%%",
                        e.getKey(),
                        e.getValue().groups,
                        e.getValue().meanFormat(),
                        e.getValue().meanLook(),
                        e.getValue().meanAccuracy(),
                        e.getValue().meanTotal(),
                        100 * e.getValue().zeroVarianceFraction())));
        windowStartMs = nowMs;
        windowGroups = 0;
        return sb.toString();
    }

    private DistributionSummary summary(String name, String version) {
        return DistributionSummary.builder(name).tag("policy_version", version).register(registry);
    }
}
