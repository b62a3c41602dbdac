package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.generator.GenerationGate.Decision;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class VersionGateTest {

    private static final long MAX_WAIT_MS = VersionGate.MAX_WAIT.toMillis();

    /** A clock that moves only when the test moves it, and counts how often it is read. */
    private static final class FakeClock implements LongSupplier {
        long nowMs = 1_000_000;
        int reads;

        @Override
        public long getAsLong() {
            reads++;
            return nowMs;
        }

        void advance(Duration d) {
            nowMs += d.toMillis();
        }
    }

    private final FakeClock clock = new FakeClock();

    private VersionGate gate(int groupsPerVersion) {
        return new VersionGate(groupsPerVersion, VersionGate.MAX_WAIT, clock);
    }

    private static void send(VersionGate gate, int groups) {
        for (int i = 0; i < groups; i++) {
            assertEquals(Decision.OPEN, gate.check(), "group " + i + " is within the budget");
            gate.groupSent();
        }
    }

    @Test
    void openWhileUnderTheBudgetWithoutReadingTheClock() {
        VersionGate gate = gate(3);
        send(gate, 3);
        assertEquals(0, clock.reads, "an open gate needs no time");
    }

    @Test
    void closesAtTheBudget() {
        VersionGate gate = gate(3);
        send(gate, 3);
        assertEquals(Decision.CLOSED, gate.check());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Decision.CLOSED, gate.check());
    }

    @Test
    void aBudgetOfZeroNeverCloses() {
        VersionGate gate = gate(0);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Decision.OPEN, gate.check());
            gate.groupSent();
        }
    }

    @Test
    void opensOnANewerVersionWithAFullBudget() {
        VersionGate gate = gate(2);
        send(gate, 2);
        assertEquals(Decision.CLOSED, gate.check());
        clock.advance(Duration.ofSeconds(3));

        gate.newVersion();

        send(gate, 2);
        assertEquals(Decision.CLOSED, gate.check(), "the new version has the same budget, no more");
    }

    @Test
    void aNewVersionRestartsTheWaitClock() {
        VersionGate gate = gate(1);
        send(gate, 1);
        assertEquals(Decision.CLOSED, gate.check());
        clock.advance(VersionGate.MAX_WAIT.minusSeconds(1));
        gate.newVersion();
        send(gate, 1);
        assertEquals(Decision.CLOSED, gate.check(), "closed again, waiting from now");
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Decision.CLOSED, gate.check(), "the earlier wait does not count");
    }

    @Test
    void grantsAnotherShareOnlyAfterTheWaitHasPassed() {
        VersionGate gate = gate(2);
        send(gate, 2);
        assertEquals(Decision.CLOSED, gate.check(), "the wait starts here");

        clock.advance(VersionGate.MAX_WAIT);
        assertEquals(Decision.CLOSED, gate.check(), "exactly the longest wait is not yet too long");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Decision.EXTRA_SHARE, gate.check());

        send(gate, 2);
        assertEquals(Decision.CLOSED, gate.check(), "the extra share has the same size");
        clock.advance(Duration.ofMillis(MAX_WAIT_MS));
        assertEquals(Decision.CLOSED, gate.check(), "and its wait starts again from zero");
    }

    @Test
    void callingItOftenDoesNotOpenIt() {
        VersionGate gate = gate(1);
        send(gate, 1);
        for (int i = 0; i < 100_000; i++) {
            assertEquals(Decision.CLOSED, gate.check(), "only time or a new version opens the gate");
        }
        assertEquals(100_000, clock.reads, "one clock read per question");
        assertTrue(VersionGate.RECHECK_EVERY.toMillis() > 0, "the caller blocks between two questions");
    }

    @Test
    void rejectsANegativeBudgetOrWait() {
        assertThrows(IllegalArgumentException.class, () -> new VersionGate(-1, VersionGate.MAX_WAIT, clock));
        assertThrows(IllegalArgumentException.class, () -> new VersionGate(1, Duration.ofMillis(-1), clock));
    }

    /**
     * The deadlock fixed in f8ef96f, replayed: synchronous RL (budget = the learner's batch B), but
     * the learner drops zero-variance groups, so B groups of one version never fill its batch.
     */
    @Test
    void aStarvedLearnerStillGetsItsBatch() {
        int batch = 4;
        StarvedLearner learner = new StarvedLearner(batch);

        GeneratorLoop loop = new GeneratorLoop(gate(batch), learner, clock);
        loop.runFor(Duration.ofSeconds(60));

        // Per step: a share (4 × 100 ms), the longest wait (15 s, seen 200 ms late), another share.
        assertEquals(3, learner.version, "the learner steps every 16 s");
        assertEquals(2 * batch * 3 + batch, learner.received, "and is not flooded between steps");
    }

    /** The same replay with the gate before f8ef96f (no longest wait): the learner never steps. */
    @Test
    void withoutTheLongestWaitTheSameReplayDeadlocks() {
        int batch = 4;
        StarvedLearner learner = new StarvedLearner(batch);
        VersionGate noTimeout = new VersionGate(batch, Duration.ofMillis(Long.MAX_VALUE), clock);

        GeneratorLoop loop = new GeneratorLoop(noTimeout, learner, clock);
        loop.runFor(Duration.ofSeconds(60));

        assertEquals(0, learner.version, "this is the deadlock the other test would have caught");
        assertEquals(batch, learner.received);
    }

    /** Steps (publishes a new version) after {@code batch} kept groups; keeps every other group. */
    private static final class StarvedLearner {
        final int batch;
        int received;
        int kept;
        long version;

        StarvedLearner(int batch) {
            this.batch = batch;
        }

        void receive() {
            received++;
            if (received % 2 == 0) {
                kept++;
            }
            if (kept == batch) {
                kept = 0;
                version++;
            }
        }
    }

    /** The decisions of GeneratorService.run, with a group taking 100 ms and a closed wait RECHECK_EVERY. */
    private static final class GeneratorLoop {
        final VersionGate gate;
        final StarvedLearner learner;
        final FakeClock clock;
        long version;

        GeneratorLoop(VersionGate gate, StarvedLearner learner, FakeClock clock) {
            this.gate = gate;
            this.learner = learner;
            this.clock = clock;
        }

        void runFor(Duration time) {
            long end = clock.nowMs + time.toMillis();
            while (clock.nowMs < end) {
                if (learner.version > version) {
                    version = learner.version;
                    gate.newVersion();
                }
                switch (gate.check()) {
                    case OPEN -> {
                        clock.advance(Duration.ofMillis(100));
                        learner.receive();
                        gate.groupSent();
                    }
                    case CLOSED -> clock.advance(VersionGate.RECHECK_EVERY);
                    case EXTRA_SHARE -> {}
                }
            }
        }
    }
}
