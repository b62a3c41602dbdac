package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files a weights_uri may name, checked without opening them. */
class WeightsFilesTest {

    @TempDir
    Path root;

    private Path weightsDir() throws IOException {
        return Files.createDirectories(root.resolve("policies"));
    }

    private static String why(WeightsFiles files, Path file, long claimed) {
        return files.problem(file.toUri().toString(), claimed).orElseThrow();
    }

    @Test
    void aCheckpointInTheDirectoryIsReadWhole() throws IOException {
        Path dir = weightsDir();
        Path file = Files.write(dir.resolve("policy-v3.ckpt"), new byte[] {1, 2, 3});
        WeightsFiles files = new WeightsFiles(dir, 100);
        assertEquals(Optional.empty(), files.problem(file.toUri().toString(), 3));
        assertArrayEquals(new byte[] {1, 2, 3}, files.read(file.toUri().toString(), 3));
    }

    @Test
    void filesOutsideTheDirectoryAreRefused() throws IOException {
        Path dir = weightsDir();
        Path outside = Files.write(root.resolve("elsewhere.ckpt"), new byte[3]);
        WeightsFiles files = new WeightsFiles(dir, 100);
        assertTrue(why(files, outside, 3).contains("outside"), why(files, outside, 3));
        assertTrue(why(files, Path.of("/dev/zero"), 3).contains("outside"));
        assertTrue(why(files, dir.resolve("..").resolve("elsewhere.ckpt"), 3).contains("outside"), "no way out by ..");
        assertTrue(why(files, dir, 3).contains("outside"), "the directory itself is no checkpoint");
    }

    @Test
    void aLinkInTheDirectoryToAFileOutsideIsRefused() throws IOException {
        Path dir = weightsDir();
        Path outside = Files.write(root.resolve("secret"), new byte[3]);
        Path link = Files.createSymbolicLink(dir.resolve("policy-v4.ckpt"), outside);
        assertTrue(why(new WeightsFiles(dir, 100), link, 3).contains("outside"));
    }

    @Test
    void aFifoOrDirectoryInTheDirectoryIsRefusedWithoutOpeningIt() throws Exception {
        Path dir = weightsDir();
        Path fifo = dir.resolve("policy-v5.ckpt");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        WeightsFiles files = new WeightsFiles(dir, 100);
        // opening a FIFO without a writer would block this test forever
        assertTrue(why(files, fifo, 0).contains("not a regular file"), why(files, fifo, 0));
        assertThrows(IOException.class, () -> files.read(fifo.toUri().toString(), 0));
        Path sub = Files.createDirectories(dir.resolve("sub"));
        assertTrue(why(files, sub, 0).contains("not a regular file"));
    }

    @Test
    void filesOverTheCapOrOfAnotherSizeThanClaimedAreRefused() throws IOException {
        Path dir = weightsDir();
        Path file = Files.write(dir.resolve("policy-v6.ckpt"), new byte[101]);
        WeightsFiles files = new WeightsFiles(dir, 100);
        assertTrue(why(files, file, 101).contains("more than the 100"), why(files, file, 101));
        Path small = Files.write(dir.resolve("policy-v7.ckpt"), new byte[10]);
        assertTrue(why(files, small, 11).contains("claims 11"), why(files, small, 11));
    }

    @Test
    void withoutADirectoryEveryUriIsRefused() throws IOException {
        Path file = Files.write(weightsDir().resolve("policy-v8.ckpt"), new byte[3]);
        assertTrue(why(new WeightsFiles(null, 100), file, 3).contains("no weights directory"));
    }

    @Test
    void uriThatAreNoFilesAreRefused() throws IOException {
        WeightsFiles files = new WeightsFiles(weightsDir(), 100);
        assertTrue(files.problem("http://example.com/policy.ckpt", 3).isPresent());
        assertTrue(files.problem("not a uri", 3).isPresent());
        assertTrue(files.problem(root.resolve("policies/missing.ckpt").toUri().toString(), 3)
                .isPresent());
    }

    @Test
    void aFileNamedWithoutAClaimedSizeIsReadUnderTheSameChecks() throws IOException {
        Path dir = weightsDir();
        WeightsFiles files = new WeightsFiles(dir, 100);
        Path file = Files.write(dir.resolve("policy-v9.ckpt"), new byte[] {4, 5, 6, 7});
        assertArrayEquals(new byte[] {4, 5, 6, 7}, files.read(file.toUri().toString()));
        Path big = Files.write(dir.resolve("policy-v10.ckpt"), new byte[101]);
        IOException tooBig =
                assertThrows(IOException.class, () -> files.read(big.toUri().toString()));
        assertTrue(tooBig.getMessage().contains("more than the 100"), tooBig.getMessage());
        Path outside = Files.write(root.resolve("elsewhere.ckpt"), new byte[3]);
        IOException out =
                assertThrows(IOException.class, () -> files.read(outside.toUri().toString()));
        assertTrue(out.getMessage().contains("outside"), out.getMessage());
        assertThrows(IOException.class, () -> files.read("file:///dev/zero"));
    }
}
