package dev.dipr1.server;

import dev.dipr1.scenes.ImageResizer;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * The image of a chat request: a {@code data:image/png;base64,…} or {@code image/jpeg} URL (the
 * server fetches nothing). Its size is bounded twice before any pixel is decoded: the base64 text
 * by the byte bound, then the header's width × height by the pixel bound ({@link
 * PngImages#read(ByteBuffer, String, long)}, the generator's bound). The policy reads it resized to
 * its square input by {@link ImageResizer}, as the generator does with a prompt's image.
 *
 * @param mediaType the media type the URL declares
 * @param bytes the encoded image
 */
record DataUrlImage(String mediaType, byte[] bytes) {

    private static final String PARAM = "messages[].content[].image_url.url";
    private static final Set<String> MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/jpg");

    /** The image of {@code url}, at most {@code maxBytes} once decoded; a 400 naming the URL field otherwise. */
    static DataUrlImage parse(String url, int maxBytes) throws ApiError {
        if (!url.regionMatches(true, 0, "data:", 0, 5)) {
            String shown = url.length() > 40 ? url.substring(0, 40) + "…" : url;
            throw ApiError.badRequest(
                    PARAM,
                    "image_url.url must be a data: URL (data:image/png;base64,…); the server fetches no URL, got "
                            + shown);
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw ApiError.badRequest(PARAM, "image_url.url is a data: URL without a comma before its data");
        }
        String header = url.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!header.endsWith(";base64")) {
            throw ApiError.badRequest(
                    PARAM, "image_url.url must be base64 data (data:image/png;base64,…), was data:" + header);
        }
        String mediaType = header.substring(0, header.length() - ";base64".length());
        if (!MEDIA_TYPES.contains(mediaType)) {
            throw ApiError.badRequest(
                    PARAM, "image_url.url has media type " + mediaType + "; accepted are image/png and image/jpeg");
        }
        int encoded = url.length() - comma - 1;
        // base64 is 4 characters per 3 bytes: refuse before allocating the decoded array
        if (encoded / 4L * 3 > maxBytes) {
            throw ApiError.badRequest(
                    PARAM,
                    "image_url.url holds about " + encoded / 4L * 3 + " bytes; at most " + maxBytes + " accepted");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(PARAM, "image_url.url is not valid base64: " + e.getMessage());
        }
        if (bytes.length == 0) {
            throw ApiError.badRequest(PARAM, "image_url.url holds no image bytes");
        }
        return new DataUrlImage(mediaType, bytes);
    }

    /**
     * The image as the policy reads it: decoded if its header claims at most {@code maxPixels},
     * resized to {@code side × side}, channel-major floats.
     */
    float[] policyPixels(int side, long maxPixels) throws ApiError {
        BufferedImage decoded;
        try {
            decoded = PngImages.read(ByteBuffer.wrap(bytes), null, maxPixels);
        } catch (IOException e) {
            throw ApiError.badRequest(PARAM, "the image cannot be read: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            // as in the generator's PromptImages: the pixel bound should prevent this, and if a decoder
            // still runs out, the image is at fault; what it allocated is garbage once we leave
            throw ApiError.badRequest(PARAM, "decoding the image ran out of memory");
        }
        return Scene.pixelsChw(ImageResizer.toSquare(decoded, side));
    }
}
