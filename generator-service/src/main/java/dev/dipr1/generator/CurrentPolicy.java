package dev.dipr1.generator;

import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.WeightsFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy a generator samples with, swapped for the update's checkpoint when a newer version
 * arrives. An update that cannot be read or does not fit the architecture is refused with a
 * reason, the current policy kept, and not tried again. Owns (and closes) the policy it holds.
 * Not thread-safe.
 */
public final class CurrentPolicy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CurrentPolicy.class);

    /** The checkpoint bytes of an update, their SHA-256 verified. */
    @FunctionalInterface
    public interface Checkpoints {
        byte[] bytes(PolicyUpdate update) throws IOException;

        /** Inline weights as they are; a {@code weights_uri} only through {@code files}. */
        static Checkpoints from(WeightsFiles files) {
            return u -> {
                if (u.getWeights() != null || u.getWeightsUri() == null) {
                    return PolicyUpdates.checkpoint(u);
                }
                byte[] read = files.read(u.getWeightsUri(), u.getSizeBytes());
                // the hash check of PolicyUpdates, on the bytes read within the bounds
                return PolicyUpdates.checkpoint(PolicyUpdate.newBuilder(u)
                        .setWeights(ByteBuffer.wrap(read))
                        .setWeightsUri(null)
                        .build());
            };
        }
    }

    /**
     * What an offer did.
     *
     * @param applied the update is now the policy
     * @param refusal why it was not, when it was newer but broken (reported once per update)
     */
    public record Offer(boolean applied, Optional<String> refusal) {
        public static final Offer APPLIED = new Offer(true, Optional.empty());
        public static final Offer UNCHANGED = new Offer(false, Optional.empty());
    }

    private final Checkpoints checkpoints;
    private Policy policy;
    /** Version and SHA-256 of the last update refused: the newest stays on the topic, it is offered again. */
    private String refused = "";

    /** Updates by URI are read from anywhere (for tests of the swap alone). */
    CurrentPolicy(Policy initial) {
        this(initial, PolicyUpdates::checkpoint);
    }

    public CurrentPolicy(Policy initial, Checkpoints checkpoints) {
        this.policy = initial;
        this.checkpoints = checkpoints;
    }

    public Policy get() {
        return policy;
    }

    public long version() {
        return policy.version();
    }

    /** Swaps in {@code update} if it is newer than the current version; whether it did. */
    boolean offer(PolicyUpdate update) {
        return apply(update).applied();
    }

    /** Swaps in {@code update} if it is newer than the current version and was not refused before. */
    public Offer apply(PolicyUpdate update) {
        if (update.getVersion() <= policy.version() || refused.equals(identity(update))) {
            return Offer.UNCHANGED;
        }
        try {
            Policy next = Policy.fromBytes(checkpoints.bytes(update), policy.config());
            next.setVersion(update.getVersion());
            Policy old = policy;
            policy = next;
            old.close();
            return Offer.APPLIED;
        } catch (IOException | RuntimeException e) {
            refused = identity(update);
            String reason = "cannot apply policy update v" + update.getVersion() + ": " + e.getMessage();
            LOG.error("{}; keeping v{}", reason, policy.version());
            return new Offer(false, Optional.of(reason));
        }
    }

    private static String identity(PolicyUpdate u) {
        return u.getVersion() + "/" + u.getSha256();
    }

    @Override
    public void close() {
        policy.close();
    }
}
