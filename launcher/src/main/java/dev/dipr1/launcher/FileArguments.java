package dev.dipr1.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks the file and directory options a command reads before it starts anything: a missing one
 * is a usage error (exit code 2) whose one line names the option, the path and what to pass instead.
 */
final class FileArguments {

    private FileArguments() {}

    /** Why {@code path} cannot be read as the file of {@code option}, or empty when it can (or was not given). */
    static Optional<String> fileProblem(String option, Path path, String hint) {
        if (path == null) {
            return Optional.empty();
        }
        if (!Files.exists(path)) {
            return Optional.of(option + " " + path + ": no such file; " + hint);
        }
        if (Files.isDirectory(path)) {
            return Optional.of(option + " " + path + " is a directory, not a file; " + hint);
        }
        if (!Files.isReadable(path)) {
            return Optional.of(option + " " + path + " is not readable by this user; " + hint);
        }
        return Optional.empty();
    }

    /** Why {@code path} cannot be read as the directory of {@code option}, or empty when it can (or was not given). */
    static Optional<String> directoryProblem(String option, Path path, String hint) {
        if (path == null) {
            return Optional.empty();
        }
        if (!Files.exists(path)) {
            return Optional.of(option + " " + path + ": no such directory; " + hint);
        }
        if (!Files.isDirectory(path)) {
            return Optional.of(option + " " + path + " is a file, not a directory; " + hint);
        }
        return Optional.empty();
    }

    /** Throws IllegalArgumentException (exit code 2) when {@code path} is given but is not a readable file. */
    static void requireFile(String option, Path path, String hint) {
        fileProblem(option, path, hint).ifPresent(FileArguments::fail);
    }

    /** Throws IllegalArgumentException (exit code 2) when {@code path} is given but is not a directory. */
    static void requireDirectory(String option, Path path, String hint) {
        directoryProblem(option, path, hint).ifPresent(FileArguments::fail);
    }

    /** The hint for options that name a policy checkpoint. */
    static final String CHECKPOINT_HINT = "pass a checkpoint written by 'dipr1 sft --out FILE'";

    private static void fail(String problem) {
        throw new IllegalArgumentException(problem);
    }
}
