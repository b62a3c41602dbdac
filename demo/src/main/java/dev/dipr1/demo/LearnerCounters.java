package dev.dipr1.demo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The learner's drop counters ({@code batch/dropped} by reason) as plain numbers, so a learner in
 * another JVM can hand them back and the report reads the same fields in both modes.
 *
 * @param droppedStale groups older than the learner's max staleness
 * @param droppedZeroVariance groups whose completions all scored the same
 * @param droppedDuplicate groups already applied (a redone prompt)
 */
public record LearnerCounters(double droppedStale, double droppedZeroVariance, double droppedDuplicate) {

    /** Nothing dropped (or nothing known). */
    public static final LearnerCounters NONE = new LearnerCounters(0, 0, 0);

    /** The current counts in {@code registry}; a counter not registered counts 0. */
    public static LearnerCounters of(MeterRegistry registry) {
        return new LearnerCounters(
                count(registry, "stale"), count(registry, "zero_variance"), count(registry, "duplicate"));
    }

    private static double count(MeterRegistry registry, String reason) {
        Counter c = registry.find("batch/dropped").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }
}
