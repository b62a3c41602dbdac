package dev.dipr1.generator;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The cumulative bound on how far a generator runs ahead of the learner ({@code --lead-versions L}):
 *
 * <pre>
 *   sent ≤ read(v) + ⌈L · ĉ⌉ + credit
 * </pre>
 *
 * where {@code sent} is every group this generator has had acknowledged, {@code read(v)} how many
 * of them the learner had read (accepted or dropped) when it published the version {@code v} the
 * generator holds, and {@code ĉ} how many of its groups the learner reads per version. The
 * backlog between the two, not the rate per version, is bounded: the learner reaches the last
 * group allowed about L versions after {@code v}, so trained groups are at most about L versions
 * old, and no group waits long enough to be dropped as stale (with L below the learner's
 * {@code --max-staleness}). Errors in {@code ĉ} change only the size of the backlog, never let it
 * grow without bound, because {@code read(v)} is a count, not an estimate.
 *
 * <p>How the generator learns what the learner consumed: the learner puts its counts on each
 * policy update ({@link dev.dipr1.topics.GroupsReadHeaders}). That is exact whatever the learner
 * drops (zero-variance, stale, duplicate, invalid groups) and whatever the other generators send,
 * and costs nothing extra: the generator reads the version stream anyway. The alternatives were
 * weaker: a fixed share per version ({@code sent ≤ (v − v₀ + L)·N}) drifts by the learner's drop
 * rate every version, so its backlog grows just as the per-version gate's does (or the learner
 * starves); a drop rate measured by the generator sees neither the rewards nor the learner's
 * filter. {@code ĉ} follows {@code Δread / Δversion} between updates: it rises at once to a
 * larger value and decays slowly from a smaller one ({@link #nextEstimate}), never below the
 * nominal share N ({@code --version-share}: B·K divided among the generators), so a version in
 * which the learner read little from this generator does not shrink its room below one learner
 * batch per version of lead.
 *
 * <p>Two fall-backs keep it from deadlocking. An update without counts (an older learner) is taken
 * to have read {@code ĉ} groups per version since the last one, the fixed-share bound. And when the
 * gate has been closed for the longest wait with no newer version (the learner needs more than the
 * backlog holds, e.g. its first version when more than (L−1)/L of the groups are dropped), it
 * grants one version's worth more ({@code credit += ⌈ĉ⌉}); a counted update resets the credit, as
 * the count then says what was consumed. A count lower than the previous one means the learner
 * restarted (counts are per learner process): the generator then adds the new count to what it
 * had, over-estimating progress by at most the groups the learner reads again after resuming.
 */
final class LeadGate implements GenerationGate {

    /** Weight of a per-version count smaller than {@code ĉ} in the next {@code ĉ}. */
    static final double ALPHA = 0.3;

    private static final long NOT_WAITING = -1;

    private final int lead;
    private final int share;
    private final long maxWaitMs;
    private final LongSupplier clockMs;

    private long sent;
    /** Groups of this generator the learner has read, as far as the generator knows. */
    private long read;

    private double perVersion;
    private long credit;
    private long version;
    /** The last count an update carried, or -1. */
    private long lastCount = -1;

    private long waitingSinceMs = NOT_WAITING;

    /**
     * @param lead L ≥ 1: how many versions of groups may be ahead of the learner
     * @param share N ≥ 1: the nominal groups per version from this generator (B·K / generators)
     * @param initialVersion the version the generator starts with
     * @param maxWait how long the gate stays closed before it grants more room
     * @param clockMs milliseconds, e.g. {@code System::currentTimeMillis}
     */
    LeadGate(int lead, int share, long initialVersion, Duration maxWait, LongSupplier clockMs) {
        if (lead < 1) {
            throw new IllegalArgumentException("--lead-versions must be >= 1, was " + lead);
        }
        if (share < 1) {
            throw new IllegalArgumentException("--version-share must be >= 1, was " + share);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("the longest version wait must not be negative, was " + maxWait);
        }
        this.lead = lead;
        this.share = share;
        this.perVersion = share;
        this.version = initialVersion;
        this.maxWaitMs = maxWait.toMillis();
        this.clockMs = clockMs;
    }

    /** The most groups this generator may have sent by now. */
    long allowance() {
        return read + (long) Math.ceil(lead * perVersion) + credit;
    }

    @Override
    public long room() {
        return Math.max(0, allowance() - sent);
    }

    @Override
    public Decision check() {
        if (room() > 0) {
            waitingSinceMs = NOT_WAITING;
            return Decision.OPEN;
        }
        long now = clockMs.getAsLong();
        if (waitingSinceMs == NOT_WAITING) {
            waitingSinceMs = now;
            return Decision.CLOSED;
        }
        if (now - waitingSinceMs > maxWaitMs) {
            credit += (long) Math.ceil(perVersion);
            waitingSinceMs = NOT_WAITING;
            return Decision.EXTRA_SHARE;
        }
        return Decision.CLOSED;
    }

    @Override
    public void groupSent() {
        sent++;
    }

    @Override
    public void newVersion(long newVersion, OptionalLong groupsRead) {
        long versions = newVersion - version;
        if (versions <= 0) {
            return;
        }
        version = newVersion;
        waitingSinceMs = NOT_WAITING;
        if (groupsRead.isEmpty()) {
            read = Math.min(sent, read + Math.round(versions * perVersion));
            return;
        }
        long count = groupsRead.getAsLong();
        if (lastCount >= 0 && count < lastCount) {
            read += count; // the learner restarted
        } else {
            // the first count may include groups an earlier process with this id sent
            long delta = lastCount < 0 ? Math.min(count, sent) : count - lastCount;
            read += delta;
            perVersion = nextEstimate(perVersion, delta / (double) versions);
        }
        read = Math.min(read, sent);
        lastCount = count;
        credit = 0;
    }

    /**
     * The estimate after a measured {@code sample}: up at once, down slowly ({@value #ALPHA} of the
     * way), never below the nominal share. Too small an estimate starves the learner (a longest
     * wait), too large one only lengthens the backlog a little, so it errs on the large side.
     */
    private double nextEstimate(double estimate, double sample) {
        double next = sample >= estimate ? sample : (1 - ALPHA) * estimate + ALPHA * sample;
        return Math.max(share, next);
    }

    /** {@code ĉ}: the groups of this generator the learner reads per version, as estimated. */
    double perVersion() {
        return perVersion;
    }

    @Override
    public String describe() {
        return "at most " + lead + " versions (about " + (long) Math.ceil(lead * perVersion)
                + " groups) ahead of what the learner has read";
    }
}
