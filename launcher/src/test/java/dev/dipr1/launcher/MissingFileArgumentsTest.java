package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A file option naming a path that is not there is a usage error: one line, the option, exit code 2. */
class MissingFileArgumentsTest {

    private static final String MISSING = "/nonexistent-dipr1/x.ckpt";
    // A port nothing listens on: each command must fail on its file before it tries Kafka.
    private static final String NO_BROKER = "127.0.0.1:1";

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "--checkpoint|eval --split ood --checkpoint " + MISSING,
                "--init|sft --out /tmp/dipr1-unused.ckpt --steps 1 --init " + MISSING,
                "--checkpoint|learner --bootstrap-servers " + NO_BROKER + " --checkpoint " + MISSING,
                "--reference|learner --bootstrap-servers " + NO_BROKER + " --checkpoint " + "%EXISTING%"
                        + " --reference " + MISSING,
                "--checkpoint|bench async --checkpoint " + MISSING,
                "--checkpoint|generator --bootstrap-servers " + NO_BROKER + " --checkpoint " + MISSING,
                "--checkpoint|serve --port 0 --checkpoint " + MISSING,
                "--weights-dir|serve --port 0 --checkpoint " + "%EXISTING%" + " --weights-dir " + MISSING,
                "--dataset|feed --bootstrap-servers " + NO_BROKER + " --dataset " + MISSING,
                "--kafka-config|topics describe --bootstrap-servers " + NO_BROKER + " --kafka-config " + MISSING,
                "--kafka-config|rewards --bootstrap-servers " + NO_BROKER + " --kafka-config " + MISSING,
                "--sft-checkpoint|demo --sft-checkpoint " + MISSING,
            })
    void missingFileIsAUsageErrorNamingTheOption(String option, String commandLine, @TempDir Path dir)
            throws Exception {
        Path existing = Files.writeString(dir.resolve("exists.ckpt"), "not read: the check comes first");
        String[] args = commandLine.replace("%EXISTING%", existing.toString()).split(" ");
        Dipr1Test.Run r = Dipr1Test.run(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("dipr1: " + option + " " + MISSING + ": no such"), r.err());
        assertTrue(r.err().contains("; pass "), "says what to pass instead: " + r.err());
        assertFalse(r.err().contains("error:"), r.err());
    }

    @Test
    void aDirectoryWhereAFileIsExpectedIsNamedAsSuch(@TempDir Path dir) {
        Dipr1Test.Run r = Dipr1Test.run("eval", "--split", "ood", "--checkpoint", dir.toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--checkpoint " + dir + " is a directory, not a file"), r.err());
    }

    @Test
    void givenFilesAndDirectoriesPass(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.ckpt"), "x");
        assertTrue(FileArguments.fileProblem("--checkpoint", file, "h").isEmpty());
        assertTrue(FileArguments.fileProblem("--init", null, "h").isEmpty(), "an option not given is no problem");
        assertTrue(FileArguments.directoryProblem("--dataset", dir, "h").isEmpty());
        assertEquals(
                "--dataset " + file + " is a file, not a directory; h",
                FileArguments.directoryProblem("--dataset", file, "h").orElseThrow());
    }
}
