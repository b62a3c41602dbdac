package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

class GroupErrorsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final GroupErrors errors = new GroupErrors(Duration.ofSeconds(60), now::get);
    private final KafkaException loading = new KafkaException(
            "Unexpected error from SyncGroup: The coordinator is loading and hence can't process requests.");

    @Test
    void aCoordinatorStillLoadingIsRiddenOutForTheKafkaTimeoutThenStopsTheGenerator() {
        assertTrue(errors.rideOut(loading));
        now.addAndGet(59_999);
        assertTrue(errors.rideOut(loading), "59.999 s of failing polls");
        now.addAndGet(1);
        assertFalse(errors.rideOut(loading), "60 s of failing polls: --kafka-timeout is over");
    }

    @Test
    void aSucceedingPollStartsTheCountAgain() {
        assertTrue(errors.rideOut(loading));
        now.addAndGet(50_000);
        errors.succeeded();
        now.addAndGet(50_000);
        assertTrue(errors.rideOut(loading), "the first failure after a success");
        now.addAndGet(59_000);
        assertTrue(errors.rideOut(loading));
    }

    @Test
    void errorsNoRetryMendsAreNeverRiddenOut() {
        assertFalse(errors.rideOut(new GroupAuthorizationException("dipr1.generators")));
        assertFalse(errors.rideOut(new WakeupException()));
    }
}
