package dev.dipr1.topics;

import dev.dipr1.common.AtomicFiles;
import dev.dipr1.schemas.PolicyUpdate;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Packs policy checkpoints into PolicyUpdate records (inline under a size limit, else a file
 * URI) and unpacks them, verifying the SHA-256 before anything is applied.
 */
public final class PolicyUpdates {

    /** Checkpoints up to this size travel inline in the record by default. */
    public static final int DEFAULT_INLINE_LIMIT = 8 * 1024 * 1024;

    private PolicyUpdates() {}

    /**
     * @param checkpoint the policy checkpoint bytes
     * @param inlineLimit larger checkpoints are written to {@code dir} and referenced by URI
     * @param dir where large checkpoints go (a volume the generators can read)
     */
    public static PolicyUpdate create(
            byte[] checkpoint, String format, long version, long step, int inlineLimit, Path dir, long nowMs)
            throws IOException {
        String sha = sha256(checkpoint);
        PolicyUpdate.Builder b = PolicyUpdate.newBuilder()
                .setVersion(version)
                .setStep(step)
                .setCheckpointFormat(format)
                .setSha256(sha)
                .setSizeBytes(checkpoint.length)
                .setCreatedAtMs(Instant.ofEpochMilli(nowMs));
        if (checkpoint.length <= inlineLimit) {
            return b.setWeights(ByteBuffer.wrap(checkpoint)).setWeightsUri(null).build();
        }
        Path file = dir.resolve("policy-v" + version + ".ckpt");
        AtomicFiles.write(file, checkpoint);
        return b.setWeights(null).setWeightsUri(file.toUri().toString()).build();
    }

    /** The checkpoint bytes of an update, read inline or from its URI, after checking the hash. */
    public static byte[] checkpoint(PolicyUpdate update) throws IOException {
        byte[] bytes;
        if (update.getWeights() != null) {
            ByteBuffer w = update.getWeights().duplicate();
            bytes = new byte[w.remaining()];
            w.get(bytes);
        } else if (update.getWeightsUri() != null) {
            bytes = Files.readAllBytes(Path.of(URI.create(update.getWeightsUri())));
        } else {
            throw new IOException("policy update v" + update.getVersion() + " has neither inline weights nor a URI");
        }
        String actual = sha256(bytes);
        if (!actual.equals(update.getSha256())) {
            throw new IOException("policy update v" + update.getVersion() + " failed its integrity check: sha256 "
                    + actual + " but the record says " + update.getSha256());
        }
        return bytes;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
