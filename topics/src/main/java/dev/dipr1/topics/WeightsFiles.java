package dev.dipr1.topics;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The checkpoint files a policy update may name by {@code weights_uri}: a regular file inside the
 * configured weights directory (symbolic links resolved first), no larger than a cap and exactly
 * the size the record claims. {@link #problem} looks only at the name and the file's attributes,
 * never at its contents, so {@code /dev/zero} or a FIFO is refused without being opened. Shared by
 * the generators (policy updates by URI) and {@code dipr1 serve} (weight updates from disk).
 */
public final class WeightsFiles {

    /**
     * The largest checkpoint read: a Java array holds at most 2 GiB, and the biggest model here
     * ({@code PolicyConfig.MAX_*}) is far below 1 GiB.
     */
    public static final long MAX_CHECKPOINT_BYTES = 1L << 30;

    private final Path dir;
    private final long maxBytes;

    /**
     * @param dir the weights directory; null = every file URI is refused (updates must be inline)
     * @param maxBytes the largest checkpoint file accepted
     */
    public WeightsFiles(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Why the file at {@code uri} may not be read as a checkpoint of {@code claimedBytes}, if it may not. */
    public Optional<String> problem(String uri, long claimedBytes) {
        try {
            resolve(uri, claimedBytes);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The checkpoint bytes at {@code uri}, after the checks of {@link #problem}, reading at most the cap. */
    public byte[] read(String uri, long claimedBytes) throws IOException {
        Path file = resolve(uri, claimedBytes);
        return readExactly(file, claimedBytes);
    }

    /**
     * The checkpoint bytes at {@code uri} whatever their size under the cap: the checks of {@link
     * #problem} but the size claimed (for a caller that names a file and has no record claiming a size).
     */
    public byte[] read(String uri) throws IOException {
        Checked c = resolve(uri);
        return readExactly(c.file(), c.size());
    }

    private static byte[] readExactly(Path file, long size) throws IOException {
        try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes((int) size);
            if (bytes.length != size || in.read() != -1) {
                throw new IOException("weights file " + file + " changed size while it was read");
            }
            return bytes;
        }
    }

    private Path resolve(String uri, long claimedBytes) throws IOException {
        Checked c = resolve(uri);
        if (c.size() != claimedBytes) {
            throw new IOException(
                    "weights file " + c.file() + " has " + c.size() + " bytes but the update claims " + claimedBytes);
        }
        return c.file();
    }

    /** A file that passed the checks on its name and attributes, and the size it had then. */
    private record Checked(Path file, long size) {}

    /** The real path of {@code uri} and its size, after every check but the claimed size. */
    private Checked resolve(String uri) throws IOException {
        if (dir == null) {
            throw new IOException("weights_uri " + uri + " refused: no weights directory is set, so only inline "
                    + "updates are accepted");
        }
        Path named;
        try {
            URI u = new URI(uri);
            if (!"file".equals(u.getScheme())) {
                throw new IOException("weights_uri " + uri + " refused: only file: URIs are read");
            }
            named = Path.of(u);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("weights_uri " + uri + " is not a file URI: " + e.getMessage(), e);
        }
        Path root;
        try {
            root = dir.toRealPath();
        } catch (IOException e) {
            throw new IOException(
                    "weights_uri " + uri + " refused: the weights directory " + dir + " does not exist", e);
        }
        Path file;
        try {
            file = named.toRealPath();
        } catch (IOException e) {
            throw new IOException("weights file " + named + " does not exist", e);
        }
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IOException(
                    "weights_uri " + uri + " refused: " + file + " is outside the weights directory " + root);
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new IOException("weights_uri " + uri + " refused: " + file + " is not a regular file");
        }
        if (a.size() > maxBytes) {
            throw new IOException("weights file " + file + " has " + a.size() + " bytes, more than the " + maxBytes
                    + " read at most");
        }
        return new Checked(file, a.size());
    }
}
