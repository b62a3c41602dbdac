package dev.dipr1.generator;

import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.topics.PolicyUpdates;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy a generator samples with, swapped for the update's checkpoint when a newer version
 * arrives. An update that cannot be read or does not fit the architecture is logged and the
 * current policy kept. Owns (and closes) the policy it holds. Not thread-safe.
 */
final class CurrentPolicy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CurrentPolicy.class);

    private Policy policy;

    CurrentPolicy(Policy initial) {
        this.policy = initial;
    }

    Policy get() {
        return policy;
    }

    long version() {
        return policy.version();
    }

    /** Swaps in {@code update} if it is newer than the current version; whether it did. */
    boolean offer(PolicyUpdate update) {
        if (update.getVersion() <= policy.version()) {
            return false;
        }
        try {
            Policy next = Policy.fromBytes(PolicyUpdates.checkpoint(update), policy.config());
            next.setVersion(update.getVersion());
            Policy old = policy;
            policy = next;
            old.close();
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error(
                    "cannot apply policy update v{}; keeping v{}: {}",
                    update.getVersion(),
                    policy.version(),
                    e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        policy.close();
    }
}
