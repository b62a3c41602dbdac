package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.learner.StepStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel from a learner in another JVM back to {@code demo --processes}. */
class LearnerStatusDirTest {

    static StepStats step(long n) {
        return new StepStats(
                n,
                n,
                List.of("g" + n),
                16,
                -0.1 * n,
                0.01,
                0.2,
                1.5,
                1.0,
                0.4,
                0.3 + n,
                1.7,
                List.of(0L, 1L),
                0.25,
                2.5,
                1.25 + n,
                0.5,
                0.375,
                0.125 * n,
                new java.util.TreeMap<>(java.util.Map.of(0L, 1, 1L, 1)));
    }

    @Test
    void givenALearnerThatDroppedGroupsWhenItStepsThenTheDemoReadsTheSameCountersAsTheThreadsMode(@TempDir Path dir)
            throws Exception {
        // Given: the counters the learner service registers (LearnerService: batch/dropped by reason)
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Counter stale = registry.counter("batch/dropped", "reason", "stale");
        Counter zeroVariance = registry.counter("batch/dropped", "reason", "zero_variance");
        registry.counter("batch/dropped", "reason", "duplicate");
        LearnerStatusDir learnerSide = new LearnerStatusDir(dir.resolve("status"));
        learnerSide.reset();
        Consumer<StepStats> recorder = learnerSide.recorder(registry);

        // When: two steps, with drops before each
        stale.increment(3);
        recorder.accept(step(0));
        zeroVariance.increment(2);
        stale.increment();
        recorder.accept(step(1));

        // Then: the demo's side sees both steps and the counters as the threads mode would read them
        LearnerStatusDir demoSide = new LearnerStatusDir(dir.resolve("status"));
        assertEquals(List.of(step(0), step(1)), demoSide.history());
        assertEquals(new LearnerCounters(4, 2, 0), demoSide.counters());
        assertEquals(LearnerCounters.of(registry), demoSide.counters());
    }

    @Test
    void dropsAfterTheLastStepArriveWithTheFinalWrite(@TempDir Path dir) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LearnerStatusDir status = new LearnerStatusDir(dir);
        status.recorder(registry).accept(step(0));
        registry.counter("batch/dropped", "reason", "duplicate").increment(5);

        status.writeCounters(LearnerCounters.of(registry)); // what the learner's shutdown hook does

        assertEquals(new LearnerCounters(0, 0, 5), status.counters());
    }

    /**
     * A learner killed (SIGKILL) while it writes its counters must not leave a truncated file: the demo, and
     * LearnerKillIT, read the counters of a killed learner. A reader racing the writer sees every state a kill
     * could leave behind; with a truncate-then-write it sees an empty or half-written file within a few writes.
     */
    @Test
    void aReaderRacingTheWriterOnlyEverSeesWholeCounters(@TempDir Path dir) throws Exception {
        LearnerStatusDir status = new LearnerStatusDir(dir);
        status.writeCounters(new LearnerCounters(0, 0, 0));
        int writes = 300;
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= writes; i++) {
                status.writeCounters(new LearnerCounters(i, 2.0 * i, 3.0 * i));
            }
            done.set(true);
        });
        writer.start();
        int reads = 0;
        double last = 0;
        try {
            while (!done.get() || reads == 0) {
                LearnerCounters seen = status.counters(); // throws on an empty or half-written file
                assertEquals(seen.droppedStale() * 2, seen.droppedZeroVariance(), "one write's counters, not a mix");
                assertTrue(seen.droppedStale() >= last, "counters never go back");
                last = seen.droppedStale();
                reads++;
            }
        } finally {
            writer.join();
        }
        assertEquals(new LearnerCounters(writes, 2.0 * writes, 3.0 * writes), status.counters());
    }

    @Test
    void beforeTheLearnerWroteAnythingThereAreNoStepsAndNoDrops(@TempDir Path dir) throws Exception {
        LearnerStatusDir status = new LearnerStatusDir(dir.resolve("never-written"));
        assertEquals(List.of(), status.history());
        assertEquals(LearnerCounters.NONE, status.counters());
        assertFalse(status.isReady());
    }

    @Test
    void resetRemovesWhatAnEarlierRunLeft(@TempDir Path dir) throws Exception {
        LearnerStatusDir status = new LearnerStatusDir(dir);
        status.recorder(new SimpleMeterRegistry()).accept(step(0));
        Files.writeString(status.readyFile(), "ready\n");
        assertTrue(status.isReady());

        status.reset();

        assertFalse(status.isReady());
        assertEquals(List.of(), status.history());
        assertEquals(LearnerCounters.NONE, status.counters());
    }

    @Test
    void aHalfWrittenLastLineIsNotReadYet(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("steps.jsonl");
        StepLog.appendingTo(file).accept(step(0));
        Files.writeString(file, Files.readString(file) + "{\"step\":1,\"policyVers");

        assertEquals(List.of(step(0)), StepLog.read(file));
    }

    @Test
    void countersReadFromARegistryWithoutThemAreZero() {
        assertEquals(LearnerCounters.NONE, LearnerCounters.of(new SimpleMeterRegistry()));
    }
}
