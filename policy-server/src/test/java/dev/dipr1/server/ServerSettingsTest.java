package dev.dipr1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.scenes.PngImages;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Bad settings fail with a message naming the option to change. */
class ServerSettingsTest {

    private static ServerSettings with(String model, String bind, int port, int batch, int queue, int maxN) {
        return new ServerSettings(
                model,
                bind,
                port,
                batch,
                queue,
                ServerSettings.DEFAULT_BATCH_WAIT_MILLIS,
                maxN,
                ServerSettings.DEFAULT_MAX_BODY_BYTES,
                ServerSettings.DEFAULT_MAX_IMAGE_BYTES,
                PngImages.MAX_PIXELS,
                null,
                null,
                ServerSettings.DEFAULT_MAX_VERSION_JUMP);
    }

    private static void assertNames(String option, Supplier<ServerSettings> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }

    @Test
    void theDefaultsAreValid() {
        ServerSettings s = ServerSettings.defaults(0);
        assertEquals("dipr1-policy", s.model());
        assertEquals("127.0.0.1", s.bind());
        assertEquals(8, s.maxBatchPrompts());
        assertTrue(s.maxBodyBytes() > s.maxImageBytes(), "the body holds the image's base64");
    }

    @Test
    void eachBadOptionIsNamed() {
        assertNames("--model", () -> with(" ", "127.0.0.1", 0, 8, 64, 64));
        assertNames("--bind", () -> with("m", "", 0, 8, 64, 64));
        assertNames("--port", () -> with("m", "127.0.0.1", 70000, 8, 64, 64));
        assertNames("--port", () -> with("m", "127.0.0.1", -1, 8, 64, 64));
        assertNames("--max-batch-prompts", () -> with("m", "127.0.0.1", 0, 0, 64, 64));
        assertNames("--max-queue", () -> with("m", "127.0.0.1", 0, 8, 0, 64));
        assertNames("--max-n", () -> with("m", "127.0.0.1", 0, 8, 64, 0));
        assertNames("--max-n", () -> with("m", "127.0.0.1", 0, 8, 64, 100_000));
    }

    @Test
    void severalBadOptionsAreNamedTogether() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> with("m", "127.0.0.1", -5, 0, 0, 64));
        assertTrue(
                e.getMessage().contains("--port")
                        && e.getMessage().contains("--max-batch-prompts")
                        && e.getMessage().contains("--max-queue"),
                e.getMessage());
    }
}
