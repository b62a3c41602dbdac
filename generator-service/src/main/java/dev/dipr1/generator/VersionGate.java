package dev.dipr1.generator;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Decides whether a generator may start another group with its current policy version: the
 * per-version bound ({@code --max-groups-per-version}). It limits the rate of generation per
 * version, not how far generation runs ahead in total: when the learner consumes fewer than N
 * groups per version, the backlog (and the staleness of what it trains on) grows until groups
 * are dropped as stale. {@link LeadGate} bounds the backlog itself.
 *
 * <p>With a budget of N groups per version the gate is open until N groups have been sent with
 * one version, then closed until the learner publishes a newer one. The learner drops
 * zero-variance and stale groups, so the batch it waits for may never fill from one version's
 * share: after {@code maxWait} closed the gate grants another share rather than deadlock.
 *
 * <p>Pure logic over an injected millisecond clock; it never blocks. While it is closed the
 * caller blocks for {@link #RECHECK_EVERY} (waiting for a policy update) before asking again.
 * Not thread-safe: one per generator loop.
 */
final class VersionGate implements GenerationGate {

    /** The longest wait for a newer policy version before another share is granted. */
    static final Duration MAX_WAIT = Duration.ofSeconds(15);

    /** How long the caller waits for a policy update between two questions while closed. */
    static final Duration RECHECK_EVERY = Duration.ofMillis(200);

    private static final long NOT_WAITING = -1;

    private final int groupsPerVersion;
    private final long maxWaitMs;
    private final LongSupplier clockMs;
    private long groupsWithThisVersion;
    private long waitingSinceMs = NOT_WAITING;

    /**
     * @param groupsPerVersion 0 = never closes; N &gt; 0 = closes after N groups with one version
     * @param maxWait how long the gate stays closed before it grants another share
     * @param clockMs milliseconds, e.g. {@code System::currentTimeMillis}
     */
    VersionGate(int groupsPerVersion, Duration maxWait, LongSupplier clockMs) {
        if (groupsPerVersion < 0) {
            throw new IllegalArgumentException("groups per version must be >= 0, was " + groupsPerVersion);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("the longest version wait must not be negative, was " + maxWait);
        }
        this.groupsPerVersion = groupsPerVersion;
        this.maxWaitMs = maxWait.toMillis();
        this.clockMs = clockMs;
    }

    @Override
    public Decision check() {
        if (groupsPerVersion == 0 || groupsWithThisVersion < groupsPerVersion) {
            waitingSinceMs = NOT_WAITING;
            return Decision.OPEN;
        }
        long now = clockMs.getAsLong();
        if (waitingSinceMs == NOT_WAITING) {
            waitingSinceMs = now;
            return Decision.CLOSED;
        }
        if (now - waitingSinceMs > maxWaitMs) {
            groupsWithThisVersion = 0;
            waitingSinceMs = NOT_WAITING;
            return Decision.EXTRA_SHARE;
        }
        return Decision.CLOSED;
    }

    @Override
    public long room() {
        return groupsPerVersion == 0 ? Long.MAX_VALUE : Math.max(0, groupsPerVersion - groupsWithThisVersion);
    }

    @Override
    public void groupSent() {
        groupsWithThisVersion++;
    }

    /** The generator now samples with a newer version: its budget starts again. */
    void newVersion() {
        groupsWithThisVersion = 0;
    }

    @Override
    public void newVersion(long version, OptionalLong groupsRead) {
        newVersion();
    }

    @Override
    public String describe() {
        return groupsPerVersion > 0 ? "at most " + groupsPerVersion + " groups per policy version" : "";
    }

    /** The budget per version; 0 = unbounded. */
    int groupsPerVersion() {
        return groupsPerVersion;
    }
}
