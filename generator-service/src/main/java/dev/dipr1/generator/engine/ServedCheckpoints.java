package dev.dipr1.generator.engine;

import dev.dipr1.common.AtomicFiles;
import dev.dipr1.generator.CurrentPolicy;
import dev.dipr1.schemas.PolicyUpdate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The checkpoint file of a verified policy update, where the server can read it: the update's own
 * file when it names one (already inside the weights directory, its size and SHA-256 checked), or
 * else its inline weights written to {@code <weights dir>/served-<generator>-v<N>.ckpt}. Of the files
 * it writes it keeps the newest two (the one served and the one before). Not thread-safe.
 */
final class ServedCheckpoints {

    private static final int KEEP = 2;

    private final Path dir;
    private final String prefix;
    private final CurrentPolicy.Checkpoints checkpoints;
    private final boolean inlineAllowed;
    private final Deque<Path> written = new ArrayDeque<>();
    private String lastIdentity = "";
    private Path lastFile;

    /**
     * @param dir where inline updates are written (the server's weights directory)
     * @param generatorId names the files this generator writes
     * @param checkpoints reads and verifies an update's bytes
     * @param inlineAllowed false when only a file the learner wrote will do (a LoRA adapter directory)
     */
    ServedCheckpoints(Path dir, String generatorId, CurrentPolicy.Checkpoints checkpoints, boolean inlineAllowed) {
        this.dir = dir;
        this.prefix = "served-" + generatorId.replaceAll("[^A-Za-z0-9._-]", "_");
        this.checkpoints = checkpoints;
        this.inlineAllowed = inlineAllowed;
    }

    /** The verified checkpoint file of {@code u}; an IOException says why there is none. */
    Path file(PolicyUpdate u) throws IOException {
        String identity = u.getVersion() + "/" + u.getSha256();
        if (identity.equals(lastIdentity)) {
            return lastFile; // a retry of the server call: verified already
        }
        byte[] bytes = checkpoints.bytes(u);
        Path file;
        if (u.getWeights() == null && u.getWeightsUri() != null) {
            file = Path.of(URI.create(u.getWeightsUri())).toRealPath();
        } else if (!inlineAllowed) {
            throw new IOException("policy update v" + u.getVersion() + " carries its weights inline; a LoRA "
                    + "adapter must be a directory the learner wrote (weights_uri)");
        } else {
            file = dir.resolve(prefix + "-v" + u.getVersion() + ".ckpt").toAbsolutePath();
            Files.createDirectories(dir);
            AtomicFiles.write(file, bytes);
            written.addLast(file);
            while (written.size() > KEEP) {
                Files.deleteIfExists(written.removeFirst());
            }
        }
        lastIdentity = identity;
        lastFile = file;
        return file;
    }
}
