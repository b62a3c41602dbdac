package dev.dipr1.launcher;

import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import java.io.IOException;
import java.nio.file.Path;

/** An untrained {@link PolicyConfig#tiny()} policy saved to a file: what the launcher's tests start from. */
final class TinyCheckpoint {

    private TinyCheckpoint() {}

    /** Writes the tiny policy of {@code seed} at version 0 to {@code file} and returns the file. */
    static Path write(Path file, long seed) throws IOException {
        return write(file, seed, 0);
    }

    /** Writes the tiny policy of {@code seed}, marked as policy {@code version}, to {@code file}. */
    static Path write(Path file, long seed, long version) throws IOException {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), seed)) {
            p.setVersion(version);
            p.save(file);
        }
        return file;
    }
}
