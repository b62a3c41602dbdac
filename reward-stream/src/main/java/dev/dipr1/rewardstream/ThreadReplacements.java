package dev.dipr1.rewardstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * Decides what a dead stream thread becomes: replaced while failures are rare, the client shut down
 * (Streams goes to ERROR, the process exits and its orchestrator restarts it) once more than
 * {@code maxReplacements} happened within {@code window}. Record errors never get here (they are
 * dead-lettered), so a thread that keeps dying has a fault replacing it will not cure.
 */
final class ThreadReplacements {

    static final int DEFAULT_MAX_REPLACEMENTS = 3;
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    private final int maxReplacements;
    private final long windowMs;
    private final LongSupplier clockMs;
    private final Deque<Long> recent = new ArrayDeque<>();

    ThreadReplacements(int maxReplacements, Duration window, LongSupplier clockMs) {
        if (maxReplacements < 0 || window.isNegative()) {
            throw new IllegalArgumentException("maxReplacements and window must not be negative");
        }
        this.maxReplacements = maxReplacements;
        this.windowMs = window.toMillis();
        this.clockMs = clockMs;
    }

    synchronized StreamThreadExceptionResponse onThreadDeath() {
        long now = clockMs.getAsLong();
        while (!recent.isEmpty() && now - recent.peekFirst() >= windowMs) {
            recent.removeFirst();
        }
        if (recent.size() >= maxReplacements) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
