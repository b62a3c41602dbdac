package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.server.PolicyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dipr1 serve}: bad options are usage errors naming the option; port 0 serves on a free port. */
class ServeCommandTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;

    @BeforeAll
    static void writeCheckpoint() throws Exception {
        checkpoint = TinyCheckpoint.write(dir.resolve("tiny.ckpt"), 1, 3);
    }

    private static void assertUsageError(String option, String... args) {
        Dipr1Test.Run r = Dipr1Test.run(args);
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(option), r.err());
    }

    @Test
    void badOptionsNameTheOption() {
        String ckpt = checkpoint.toString();
        assertUsageError("--port", "serve", "--checkpoint", ckpt);
        assertUsageError("--port must be in 0..65535", "serve", "--checkpoint", ckpt, "--port", "70000");
        assertUsageError(
                "--max-batch-prompts", "serve", "--checkpoint", ckpt, "--port", "0", "--max-batch-prompts", "0");
        assertUsageError("--max-queue", "serve", "--checkpoint", ckpt, "--port", "0", "--max-queue", "0");
        assertUsageError("--max-n", "serve", "--checkpoint", ckpt, "--port", "0", "--max-n", "-1");
        assertUsageError("--policy-key", "serve", "--checkpoint", ckpt, "--port", "0", "--policy-key", ckpt + ".none");
        assertUsageError("--weights-dir", "serve", "--checkpoint", ckpt, "--port", "0", "--weights-dir", ckpt);
    }

    @Test
    void portZeroServesOnAFreePortWithTheCheckpointsVersion() throws Exception {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs("--checkpoint", checkpoint.toString(), "--port", "0", "--model", "tiny");
        try (PolicyServer server = command.open()) {
            assertTrue(server.port() > 0);
            assertEquals(3, server.policyVersion());
            HttpResponse<String> models = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.baseUri() + "/v1/models"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, models.statusCode());
            assertTrue(models.body().contains("\"id\":\"tiny\""), models.body());
            assertEquals(
                    "3",
                    models.headers().firstValue(PolicyServer.VERSION_HEADER).orElseThrow());
        }
    }
}
