package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** {@code dipr1 rewards} exits with the reason when Kafka Streams stops by itself. */
class RewardsCommandTest {

    @Test
    void streamsInErrorEndsTheCommandWithTheThreadsError() {
        CountDownLatch neverStopped = new CountDownLatch(1);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> RewardsCommand.awaitStop(
                        neverStopped,
                        () -> KafkaStreams.State.ERROR,
                        () -> Optional.of(new IllegalStateException("state store pending-groups is corrupt"))));
        assertTrue(e.getMessage().contains("state ERROR"), e.getMessage());
        assertTrue(e.getMessage().contains("state store pending-groups is corrupt"), e.getMessage());
    }

    @Test
    void aStopRequestWhileRunningEndsNormally() {
        CountDownLatch stopped = new CountDownLatch(0);
        assertDoesNotThrow(() -> RewardsCommand.awaitStop(stopped, () -> KafkaStreams.State.RUNNING, Optional::empty));
    }
}
