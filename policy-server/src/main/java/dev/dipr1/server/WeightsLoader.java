package dev.dipr1.server;

import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdateValidator;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.WeightsFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a checkpoint named by a weights update into the {@link LoadedPolicy}, checked as a generator
 * checks a policy update: the file only inside {@code --weights-dir} (links resolved, a regular file,
 * at most the generator's cap: {@link WeightsFiles}); the update as a {@link PolicyUpdate} record —
 * a plausible version and size ({@link PolicyUpdateValidator}), with {@code --policy-key} the
 * learner's MAC of version and SHA-256 ({@link PolicyKey}), the SHA-256 of the bytes ({@link
 * PolicyUpdates#checkpoint}); then the served architecture ({@link Policy#fromBytes(byte[],
 * dev.dipr1.policy.PolicyConfig)}). The version must be newer than the served one; the served
 * version with the served bytes again is a success that changes nothing (a retried call). Loads run
 * one at a time; requests keep being served while a checkpoint is read and decoded, and wait only for
 * the swap itself.
 */
final class WeightsLoader {

    /**
     * What a load did.
     *
     * @param success the checkpoint is served (or already was)
     * @param message what happened, or why not
     * @param version the version served now
     */
    record Outcome(boolean success, String message, long version) {}

    private static final Logger LOG = LoggerFactory.getLogger(WeightsLoader.class);

    private final WeightsFiles files;
    private final PolicyUpdateValidator validator;
    private final PolicyKey key;
    private final LongSupplier clockMs;

    WeightsLoader(ServerSettings settings, LongSupplier clockMs) {
        this.files = settings.weightsFiles();
        this.validator = new PolicyUpdateValidator(settings.maxVersionJump(), files);
        this.key = settings.policyKey();
        this.clockMs = clockMs;
    }

    /** Loads what {@code request} names into {@code served}, or says why not (the served policy unchanged). */
    synchronized Outcome load(WeightsUpdateRequest request, LoadedPolicy served) {
        Policy decoded = null;
        try {
            if (key != null) {
                if (request.version().isEmpty()
                        || request.sha256().isEmpty()
                        || request.hmac().isEmpty()) {
                    return refused(
                            served,
                            "this server takes only signed updates (--policy-key): give weight_version, "
                                    + "dipr1_sha256 and dipr1_policy_hmac");
                }
            }
            byte[] bytes = files.read(request.modelPath().toUri().toString());
            String sha256 = request.sha256().orElseGet(() -> PolicyUpdates.sha256(bytes));
            long version;
            if (request.version().isPresent()) {
                version = request.version().getAsLong();
            } else {
                decoded = Policy.fromBytes(bytes, served.config());
                version = decoded.version();
            }
            PolicyUpdate update = record(version, sha256, bytes);
            Optional<String> problem = validator.problem(update, served.version());
            if (problem.isEmpty() && key != null) {
                problem = key.problem(update, request.hmac().orElseThrow());
            }
            if (problem.isPresent()) {
                return refused(served, problem.get());
            }
            PolicyUpdates.checkpoint(update); // the SHA-256 check, as a generator does it
            Policy handed = decoded;
            decoded = null; // install owns it now
            return install(update, bytes, handed, served, request.modelPath().toString());
        } catch (IOException | RuntimeException e) {
            return refused(served, "cannot load " + request.modelPath() + ": " + e.getMessage());
        } finally {
            if (decoded != null) {
                decoded.close();
            }
        }
    }

    /**
     * Loads the checkpoint of a policy update from the policy topic into {@code served}: one a
     * watcher already found plausible and, with a key, signed ({@code PolicyWatcher}); its weights
     * inline or by URI inside the weights directory, of the size it claims, their SHA-256 checked.
     */
    synchronized Outcome load(PolicyUpdate update, LoadedPolicy served) {
        try {
            // as the generator's CurrentPolicy reads an update: by URI only through the weights files
            PolicyUpdate inline = update.getWeights() != null
                    ? update
                    : PolicyUpdate.newBuilder(update)
                            .setWeights(ByteBuffer.wrap(files.read(update.getWeightsUri(), update.getSizeBytes())))
                            .setWeightsUri(null)
                            .build();
            byte[] bytes = PolicyUpdates.checkpoint(inline); // the SHA-256 check
            return install(inline, bytes, null, served, "the policy topic");
        } catch (IOException | RuntimeException e) {
            return refused(served, "cannot load policy v" + update.getVersion() + ": " + e.getMessage());
        }
    }

    /**
     * Serves the verified {@code bytes} of {@code update} if it is newer than the served version
     * ({@code decoded}: its policy when already decoded, closed here unless it is served).
     */
    private Outcome install(PolicyUpdate update, byte[] bytes, Policy decoded, LoadedPolicy served, String source) {
        long version = update.getVersion();
        String sha256 = update.getSha256();
        try {
            if (version == served.version() && sha256.equals(served.sha256())) {
                return new Outcome(true, "already serving version " + version, version);
            }
            if (version <= served.version()) {
                return refused(
                        served,
                        "version " + version + " is not newer than the served version " + served.version()
                                + (version == served.version() ? " (whose checkpoint is another)" : ""));
            }
            if (decoded == null) {
                decoded = Policy.fromBytes(bytes, served.config());
            }
            decoded.setVersion(version);
            served.swap(decoded, sha256);
            decoded = null; // served owns it now
            LOG.info("serving policy v{} from {} (sha256 {})", version, source, sha256);
            return new Outcome(true, "loaded version " + version, version);
        } finally {
            if (decoded != null) {
                decoded.close();
            }
        }
    }

    private PolicyUpdate record(long version, String sha256, byte[] bytes) {
        return PolicyUpdate.newBuilder()
                .setVersion(version)
                .setStep(-1)
                .setCheckpointFormat(Policy.MAGIC + "/" + Policy.FORMAT_VERSION)
                .setWeights(ByteBuffer.wrap(bytes))
                .setWeightsUri(null)
                .setSha256(sha256)
                .setSizeBytes(bytes.length)
                .setCreatedAtMs(Instant.ofEpochMilli(clockMs.getAsLong()))
                .build();
    }

    private static Outcome refused(LoadedPolicy served, String why) {
        LOG.warn("weights update refused: {}; still serving v{}", why, served.version());
        return new Outcome(false, why, served.version());
    }
}
