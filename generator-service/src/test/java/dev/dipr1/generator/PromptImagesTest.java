package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.generator.engine.GenerationEngine;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.PromptTask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PromptImagesTest {

    static PromptTask task(String id, ByteBuffer png, int width, int height) {
        return PromptTask.newBuilder()
                .setSampleId(id)
                .setDataset("faults")
                .setSplit("train")
                .setEpoch(0)
                .setImageUri("inline:" + id + ".png")
                .setWidth(width)
                .setHeight(height)
                .setQuestion("Detect every person.")
                .setCreatedAtMs(Instant.ofEpochMilli(1))
                .setImage(png)
                .build();
    }

    private static PromptTask png(int width, int height) {
        return task(
                "s",
                ByteBuffer.wrap(PngImages.encode(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB))),
                width,
                height);
    }

    @Test
    void aSmallImageIsResizedToThePolicyInput() throws IOException {
        PromptImages.PolicyImage img = new PromptImages().read(png(32, 32), 64);
        assertEquals(64, img.pixels().getWidth());
        assertEquals(64, img.pixels().getHeight());
        assertTrue(img.resized());
    }

    @Test
    void anImageOfThePolicySizeIsNotResized() throws IOException {
        assertFalse(new PromptImages().read(png(64, 64), 64).resized());
    }

    @Test
    void atItsOwnResolutionAnImageKeepsItsSizeAndStillHasThePixelBound() throws IOException {
        long[] bound = new long[1];
        PromptImages images = new PromptImages(
                (inline, uri, maxPixels) -> {
                    bound[0] = maxPixels;
                    return PngImages.read(inline, uri, maxPixels);
                },
                1234);
        assertThrows(IOException.class, () -> images.read(png(640, 480), GenerationEngine.OWN_RESOLUTION));
        assertEquals(1234, bound[0]);

        PromptImages.PolicyImage img = new PromptImages().read(png(640, 480), GenerationEngine.OWN_RESOLUTION);
        assertEquals(640, img.pixels().getWidth());
        assertEquals(480, img.pixels().getHeight());
        assertFalse(img.resized());
    }

    @Test
    void theDecoderGetsThePixelBound() throws IOException {
        BufferedImage decoded = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        long[] bound = new long[1];
        PromptImages images = new PromptImages(
                (inline, uri, maxPixels) -> {
                    bound[0] = maxPixels;
                    return decoded;
                },
                1234);
        assertSame(decoded, images.read(png(64, 64), 64).pixels());
        assertEquals(1234, bound[0]);
    }

    @Test
    void runningOutOfMemoryWhileDecodingIsTheImagesFault() {
        PromptImages images = new PromptImages(
                (inline, uri, maxPixels) -> {
                    throw new OutOfMemoryError("Java heap space");
                },
                PngImages.MAX_PIXELS);
        IOException e = assertThrows(IOException.class, () -> images.read(png(64, 64), 64));
        assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
    }
}
