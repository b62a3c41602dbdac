package dev.dipr1.generator;

import dev.dipr1.scenes.ImageResizer;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.PromptTask;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The image of a prompt task as the policy reads it: the header's size bounded before decoding
 * ({@link PngImages#MAX_PIXELS}), decoded, then resized to the policy's input by
 * {@link ImageResizer}. Every way a task's image can be bad ends as an IOException with the
 * reason, for the caller to dead-letter.
 */
final class PromptImages {

    /** Decodes an inline image or the one at a URI, refusing more than {@code maxPixels}. */
    @FunctionalInterface
    interface Decoder {
        BufferedImage decode(ByteBuffer inline, String uri, long maxPixels) throws IOException;
    }

    /**
     * The image the policy sees and whether it was resized.
     *
     * @param pixels exactly the policy's input size, or the decoded image when the engine takes its own resolution
     * @param resized false when {@code pixels} is the task's own image, unchanged
     */
    record PolicyImage(BufferedImage pixels, boolean resized) {}

    private final Decoder decoder;
    private final long maxPixels;

    PromptImages() {
        this(PngImages::read, PngImages.MAX_PIXELS);
    }

    PromptImages(Decoder decoder, long maxPixels) {
        this.decoder = decoder;
        this.maxPixels = maxPixels;
    }

    /**
     * The task's image at {@code side × side} pixels, or as decoded when {@code side} is {@link
     * dev.dipr1.generator.engine.GenerationEngine#OWN_RESOLUTION}; an IOException says why there is none.
     */
    PolicyImage read(PromptTask task, int side) throws IOException {
        BufferedImage decoded;
        try {
            decoded = decoder.decode(task.getImage(), task.getImageUri(), maxPixels);
        } catch (OutOfMemoryError e) {
            // The pixel bound should prevent this; if a decoder still runs out, the image is at
            // fault, not the service: what it allocated is garbage once we leave this frame.
            throw new IOException("decoding the image ran out of memory", e);
        }
        if (side == dev.dipr1.generator.engine.GenerationEngine.OWN_RESOLUTION) {
            return new PolicyImage(decoded, false);
        }
        BufferedImage pixels = ImageResizer.toSquare(decoded, side);
        return new PolicyImage(pixels, pixels != decoded);
    }
}
