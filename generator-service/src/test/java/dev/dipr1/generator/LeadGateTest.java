package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.generator.GenerationGate.Decision;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class LeadGateTest {

    /** A clock that moves only when the test moves it. */
    private static final class FakeClock implements LongSupplier {
        long nowMs = 1_000_000;

        @Override
        public long getAsLong() {
            return nowMs;
        }
    }

    private final FakeClock clock = new FakeClock();

    private LeadGate gate(int lead, int share) {
        return new LeadGate(lead, share, 0, VersionGate.MAX_WAIT, clock);
    }

    private static void send(GenerationGate gate, int groups) {
        for (int i = 0; i < groups; i++) {
            assertEquals(Decision.OPEN, gate.check(), "group " + i + " is within the bound");
            gate.groupSent();
        }
    }

    @Test
    void beforeAnyUpdateItAllowsLeadTimesShare() {
        LeadGate gate = gate(2, 3);
        assertEquals(6, gate.room());
        send(gate, 6);
        assertEquals(0, gate.room());
        assertEquals(Decision.CLOSED, gate.check());
    }

    @Test
    void theBacklogIsBoundedByWhatTheLearnerReadNotByTheVersionNumber() {
        LeadGate gate = gate(2, 4);
        send(gate, 8);
        // the learner read 6 of the 8 to make v1 (two dropped): the backlog may refill to 2 versions
        gate.newVersion(1, OptionalLong.of(6));
        assertEquals(6 + (long) Math.ceil(2 * gate.perVersion()) - 8, gate.room());
        assertEquals(6, gate.perVersion(), 1e-12, "6 groups read for one version raise the estimate at once");
    }

    @Test
    void aVersionSkippedByTheGeneratorCountsPerVersion() {
        LeadGate gate = gate(1, 4);
        send(gate, 4);
        gate.newVersion(1, OptionalLong.of(4));
        send(gate, 4);
        // v2 was never applied: 20 groups over two versions is 10 per version
        gate.newVersion(3, OptionalLong.of(8));
        assertEquals(4, gate.perVersion(), 1e-12, "2 per version does not shrink the estimate below N = 4");
        gate.newVersion(5, OptionalLong.of(8 + 20));
        assertEquals(10, gate.perVersion(), 1e-12, "20 over two versions");
        send(gate, 10);
        gate.newVersion(6, OptionalLong.of(28 + 4));
        assertEquals(0.7 * 10 + 0.3 * 4, gate.perVersion(), 1e-12, "a smaller count lowers it slowly");
    }

    @Test
    void theLearnerCannotHaveReadMoreThanWasSent() {
        LeadGate gate = gate(1, 2);
        send(gate, 2);
        // a count from an earlier process with this generator id
        gate.newVersion(1, OptionalLong.of(50));
        assertEquals(2, gate.room(), "read is capped at the 2 groups this process sent");
    }

    @Test
    void aLowerCountIsALearnerRestartAndAddsToWhatWasRead() {
        LeadGate gate = gate(1, 4);
        send(gate, 4);
        gate.newVersion(1, OptionalLong.of(4));
        send(gate, 4);
        gate.newVersion(2, OptionalLong.of(1)); // restarted: 1 group read since
        assertEquals(4 + 1 + 4 - 8, gate.room());
    }

    @Test
    void anOlderOrRepeatedVersionChangesNothing() {
        LeadGate gate = gate(1, 4);
        send(gate, 4);
        gate.newVersion(2, OptionalLong.of(4));
        long room = gate.room();
        gate.newVersion(2, OptionalLong.of(9));
        gate.newVersion(1, OptionalLong.of(9));
        assertEquals(room, gate.room());
    }

    @Test
    void withoutCountsItAssumesTheEstimatePerVersion() {
        LeadGate gate = gate(2, 3);
        send(gate, 6);
        gate.newVersion(1, OptionalLong.empty());
        assertEquals(3, gate.room(), "(v − v0 + L) · N − sent = 9 − 6");
        send(gate, 3);
        gate.newVersion(3, OptionalLong.empty());
        assertEquals(6, gate.room(), "(3 + 2) · 3 − 9");
    }

    @Test
    void afterTheLongestWaitItGrantsOneVersionMoreUntilTheNextCount() {
        LeadGate gate = gate(1, 4);
        send(gate, 4);
        assertEquals(Decision.CLOSED, gate.check());
        clock.nowMs += VersionGate.MAX_WAIT.toMillis();
        assertEquals(Decision.CLOSED, gate.check(), "exactly the longest wait is not yet too long");
        clock.nowMs += 1;
        assertEquals(Decision.EXTRA_SHARE, gate.check());
        send(gate, 4);
        assertEquals(Decision.CLOSED, gate.check());
        gate.newVersion(1, OptionalLong.of(8));
        assertEquals(8 + (long) Math.ceil(gate.perVersion()) - 8, gate.room(), "the count replaces the credit");
    }

    @Test
    void rejectsABoundThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> gate(0, 4));
        assertThrows(IllegalArgumentException.class, () -> gate(2, 0));
        assertThrows(IllegalArgumentException.class, () -> new LeadGate(1, 1, 0, Duration.ofMillis(-1), clock));
    }

    // ------------------------------------------------------------------ the generator and learner, simulated

    /** What a simulated run measured. */
    record Run(int steps, List<Long> trainedStaleness, int generated, int droppedStale, int extraShares) {
        double staleFraction() {
            return droppedStale / (double) generated;
        }

        double fractionAtMost(long versions) {
            return trainedStaleness.stream().filter(s -> s <= versions).count() / (double) trainedStaleness.size();
        }
    }

    /**
     * A learner as {@code LearnerService} behaves: reads groups in order, drops those more than
     * {@code maxStaleness} versions old and those {@code kept} rejects (zero variance), takes a
     * step of {@code trainMs} per B kept groups and publishes a version after each (K = 1), with
     * its count of groups read.
     */
    private static final class SimulatedLearner {
        record Group(long version, long arrivalMs) {}

        record Publish(long atMs, long version, long read) {}

        final int batch;
        final int maxStaleness;
        final LongPredicate kept;
        final long trainMs;
        final Deque<Group> queue = new ArrayDeque<>();
        final List<Publish> publishes = new ArrayList<>();
        final List<Long> trainedStaleness = new ArrayList<>();
        final List<Long> pending = new ArrayList<>();
        long freeAtMs;
        long version;
        long read;
        int droppedStale;
        int steps;

        SimulatedLearner(int batch, int maxStaleness, LongPredicate kept, long trainMs) {
            this.batch = batch;
            this.maxStaleness = maxStaleness;
            this.kept = kept;
            this.trainMs = trainMs;
        }

        void advanceTo(long nowMs) {
            while (!queue.isEmpty() && Math.max(freeAtMs, queue.peek().arrivalMs()) <= nowMs) {
                Group g = queue.poll();
                freeAtMs = Math.max(freeAtMs, g.arrivalMs());
                read++;
                long staleness = version - g.version();
                if (staleness > maxStaleness) {
                    droppedStale++;
                } else if (kept.test(read)) {
                    pending.add(staleness);
                }
                if (pending.size() == batch) {
                    trainedStaleness.addAll(pending);
                    pending.clear();
                    freeAtMs += trainMs;
                    steps++;
                    version++;
                    publishes.add(new Publish(freeAtMs, version, read));
                }
            }
        }

        /** The newest update published by {@code nowMs}, if any. */
        Publish newest(long nowMs) {
            Publish newest = null;
            for (Publish p : publishes) {
                if (p.atMs() <= nowMs) {
                    newest = p;
                }
            }
            return newest;
        }
    }

    /** GeneratorService.run's decisions, a group taking {@code groupMs}, against a learner, for {@code seconds}. */
    private Run simulate(GenerationGate gate, SimulatedLearner learner, long groupMs, int seconds, boolean counts) {
        long end = clock.nowMs + seconds * 1000L;
        learner.freeAtMs = clock.nowMs;
        long version = 0;
        int generated = 0;
        int extra = 0;
        while (clock.nowMs < end) {
            learner.advanceTo(clock.nowMs);
            SimulatedLearner.Publish p = learner.newest(clock.nowMs);
            if (p != null && p.version() > version) {
                version = p.version();
                gate.newVersion(version, counts ? OptionalLong.of(p.read()) : OptionalLong.empty());
            }
            switch (gate.check()) {
                case OPEN -> {
                    clock.nowMs += groupMs;
                    learner.queue.add(new SimulatedLearner.Group(version, clock.nowMs));
                    gate.groupSent();
                    generated++;
                }
                case CLOSED -> clock.nowMs += VersionGate.RECHECK_EVERY.toMillis();
                case EXTRA_SHARE -> extra++;
            }
        }
        return new Run(learner.steps, learner.trainedStaleness, generated, learner.droppedStale, extra);
    }

    // B = 8, one group in three dropped as zero-variance, a step takes 1.2 s; generation is twice as fast.
    private static SimulatedLearner demoLikeLearner() {
        return new SimulatedLearner(8, 4, read -> read % 3 != 0, 1200);
    }

    @Test
    void trainedGroupsAreAtMostTwoVersionsOldAndNoneIsDroppedAsStale() {
        Run run = simulate(new LeadGate(2, 8, 0, VersionGate.MAX_WAIT, clock), demoLikeLearner(), 50, 600, true);

        assertTrue(run.fractionAtMost(2) >= 0.95, "at most 2 versions old: " + run.fractionAtMost(2));
        assertTrue(run.staleFraction() < 0.05, "dropped as stale: " + run.staleFraction());
        assertEquals(0, run.extraShares(), "the learner never starved");
        // the learner is never idle for want of groups: 600 s / (1.2 s + reading) steps
        assertTrue(run.steps() >= 480, "steps: " + run.steps());
    }

    /** The same run with the per-version gate the demo used (2·B·K per version): the failure measured in the demo. */
    @Test
    void thePerVersionGateLetsTheBacklogGrowUntilGroupsGoStale() {
        Run run = simulate(new VersionGate(16, VersionGate.MAX_WAIT, clock), demoLikeLearner(), 50, 600, true);

        assertTrue(run.fractionAtMost(2) < 0.5, "mostly older than 2 versions: " + run.fractionAtMost(2));
        assertTrue(run.staleFraction() > 0.05, "dropped as stale: " + run.staleFraction());
    }

    @Test
    void aLearnerThatDropsMostGroupsIsNotStarvedForLong() {
        // two groups in three dropped: the first version needs 24 groups, the bound starts at L·N = 16
        SimulatedLearner keepsOneInThree = new SimulatedLearner(8, 4, read -> read % 3 == 0, 1200);

        Run run = simulate(new LeadGate(2, 8, 0, VersionGate.MAX_WAIT, clock), keepsOneInThree, 50, 600, true);

        assertEquals(1, run.extraShares(), "only the first version waits: then the counts have taught the estimate");
        assertTrue(run.steps() >= 400, "steps: " + run.steps());
        assertTrue(run.fractionAtMost(2) >= 0.95, "at most 2 versions old: " + run.fractionAtMost(2));
    }

    @Test
    void withoutCountsTheFixedShareStillNeverDeadlocks() {
        Run run = simulate(new LeadGate(2, 8, 0, VersionGate.MAX_WAIT, clock), demoLikeLearner(), 50, 600, false);

        assertTrue(run.steps() >= 50, "steps: " + run.steps());
        assertTrue(run.extraShares() > 0, "drops it cannot see are made up for by the longest wait");
    }
}
