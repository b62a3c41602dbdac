package dev.dipr1.generator;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Which errors of the prompt consumer's poll a generator rides out, and for how long. After a broker restart the group
 * coordinator answers "the coordinator is loading" for a while, and the classic consumer's SyncGroup handler turns that
 * one answer into a plain {@link KafkaException} ("Unexpected error from SyncGroup") instead of retrying: it stopped a
 * generator in {@code dipr1 chaos --seed 3}. Such an error is ridden out (the next poll joins the group again) as long
 * as polls have failed for less than {@code --kafka-timeout}; errors that no retry mends (authentication,
 * authorization, configuration, a fenced static member, an unsupported version) and a wake-up or interrupt never are.
 *
 * <p>Pure logic over an injected millisecond clock.
 */
final class GroupErrors {

    private final long patienceMs;
    private final LongSupplier clockMs;
    private long failingSinceMs = -1;

    /** @param patience how long polls may keep failing ({@code --kafka-timeout}) */
    GroupErrors(Duration patience, LongSupplier clockMs) {
        this.patienceMs = patience.toMillis();
        this.clockMs = clockMs;
    }

    /** A poll succeeded: the next failure starts a new count. */
    void succeeded() {
        failingSinceMs = -1;
    }

    /** Whether to ride out {@code e} from a poll (true) or let it stop the generator (false). */
    boolean rideOut(KafkaException e) {
        if (!transientKind(e)) {
            return false;
        }
        long now = clockMs.getAsLong();
        if (failingSinceMs < 0) {
            failingSinceMs = now;
        }
        return now - failingSinceMs < patienceMs;
    }

    static boolean transientKind(KafkaException e) {
        return !(e instanceof WakeupException
                || e instanceof InterruptException
                || e instanceof AuthenticationException
                || e instanceof AuthorizationException
                || e instanceof InvalidConfigurationException
                || e instanceof FencedInstanceIdException
                || e instanceof UnsupportedVersionException);
    }
}
