package dev.dipr1.generator.engine;

import java.time.Duration;

/** How long to wait before trying again after {@code k} failures in a row (pure): 0.5 s doubling, at most 30 s. */
public final class Backoff {

    /** The first wait. */
    public static final Duration FIRST = Duration.ofMillis(500);
    /** The longest wait. */
    public static final Duration MAX = Duration.ofSeconds(30);

    private Backoff() {}

    /** The wait after the {@code failures}-th failure in a row (1 = the first). */
    public static Duration after(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, was " + failures);
        }
        int doublings = Math.min(failures - 1, 16); // 0.5 s · 2^16 is far beyond MAX already
        Duration d = FIRST.multipliedBy(1L << doublings);
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
