package dev.dipr1.rewardstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/** A stream thread that keeps dying is not replaced forever: the client shuts down and the process exits. */
class ThreadReplacementsTest {

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ThreadReplacements replacements = new ThreadReplacements(3, Duration.ofMinutes(10), clock::get);

    @Test
    void aThreadDyingInALoopShutsTheClientDownAfterTheLimit() {
        for (int i = 0; i < 3; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, replacements.onThreadDeath(), "death " + i);
            clock.addAndGet(1_000);
        }
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, replacements.onThreadDeath());
    }

    @Test
    void rareFailuresAreReplacedEachTime() {
        for (int i = 0; i < 10; i++) {
            assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, replacements.onThreadDeath(), "death " + i);
            clock.addAndGet(Duration.ofMinutes(4).toMillis());
        }
    }
}
