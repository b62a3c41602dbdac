package dev.dipr1.topics;

import dev.dipr1.schemas.PolicyUpdate;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a decoded policy update may become the newest one a generator knows: a plausible
 * version, a checkpoint of a plausible size, and weights either inline or in an acceptable file
 * (see {@link WeightsFiles}). Nothing here reads the weights.
 */
public final class PolicyUpdateValidator {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final long maxVersionJump;
    private final WeightsFiles files;

    /**
     * @param maxVersionJump how far ahead of the newest known version an update may be
     * @param files where updates by URI may point, and the size cap of a checkpoint
     */
    public PolicyUpdateValidator(long maxVersionJump, WeightsFiles files) {
        this.maxVersionJump = maxVersionJump;
        this.files = files;
    }

    /** Why {@code u}, newer than {@code newestVersion}, is refused, if it is. */
    public Optional<String> problem(PolicyUpdate u, long newestVersion) {
        Optional<String> record = recordProblem(u, newestVersion, maxVersionJump, files.maxBytes());
        if (record.isPresent() || u.getWeights() != null) {
            return record;
        }
        return files.problem(u.getWeightsUri(), u.getSizeBytes());
    }

    /** The checks on the record's own fields (pure). */
    public static Optional<String> recordProblem(
            PolicyUpdate u, long newestVersion, long maxVersionJump, long maxBytes) {
        long v = u.getVersion();
        long base = Math.max(newestVersion, 0);
        if (v < 0) {
            return Optional.of("policy version " + v + " is negative");
        }
        // base >= 0 and v >= 0, so v - base cannot overflow
        if (v - base > maxVersionJump) {
            return Optional.of("policy version " + v + " is " + (v - base) + " ahead of v" + base
                    + ", more than the largest plausible jump of " + maxVersionJump);
        }
        if (u.getSizeBytes() < 0 || u.getSizeBytes() > maxBytes) {
            return Optional.of("policy v" + v + " claims a checkpoint of " + u.getSizeBytes()
                    + " bytes; accepted are 0 to " + maxBytes);
        }
        if (u.getSha256() == null || !SHA256_HEX.matcher(u.getSha256()).matches()) {
            return Optional.of("policy v" + v + " has no SHA-256 of 64 hex digits");
        }
        if (u.getWeights() == null && u.getWeightsUri() == null) {
            return Optional.of("policy v" + v + " has neither inline weights nor a weights_uri");
        }
        if (u.getWeights() != null && u.getWeights().remaining() != u.getSizeBytes()) {
            return Optional.of("policy v" + v + " has " + u.getWeights().remaining() + " inline bytes but claims "
                    + u.getSizeBytes());
        }
        return Optional.empty();
    }
}
