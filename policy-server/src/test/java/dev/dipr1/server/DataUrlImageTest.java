package dev.dipr1.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.scenes.ImageResizer;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The data-URL image: bounded before decoding, read as the generator reads a prompt's image. */
class DataUrlImageTest {

    @Test
    void aPngIsDecodedResizedAndReadAsTheGeneratorReadsIt() throws Exception {
        byte[] png = ChatBodies.scenePng(3, 160, 120);
        DataUrlImage image = DataUrlImage.parse(ChatBodies.dataUrl(png), 1 << 20);
        assertArrayEquals(png, image.bytes());
        float[] expected = Scene.pixelsChw(
                ImageResizer.toSquare(PngImages.read(ByteBuffer.wrap(png), null, PngImages.MAX_PIXELS), 64));
        assertArrayEquals(expected, image.policyPixels(64, PngImages.MAX_PIXELS));
        assertEquals(3 * 64 * 64, expected.length);
    }

    @Test
    void aJpegIsAcceptedToo() throws Exception {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB), "jpeg", jpeg);
        String url = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg.toByteArray());
        assertEquals(3 * 64 * 64, DataUrlImage.parse(url, 1 << 20).policyPixels(64, PngImages.MAX_PIXELS).length);
    }

    @Test
    void onlyBase64DataUrlsOfPngOrJpegAreRead() {
        assertRefused("https://example.com/a.png", "data: URL");
        assertRefused("data:image/png;base64AAAA", "without a comma");
        assertRefused("data:image/png,rawbytes", "base64");
        assertRefused("data:image/gif;base64,R0lGOD", "image/gif");
        assertRefused("data:image/png;base64,***", "not valid base64");
        assertRefused("data:image/png;base64,", "no image bytes");
    }

    @Test
    void tooManyBytesAreRefusedBeforeTheBase64IsDecoded() {
        String url = ChatBodies.dataUrl(ChatBodies.scenePng(0));
        int bytes = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)).length;
        ApiError e = assertThrows(ApiError.class, () -> DataUrlImage.parse(url, bytes / 2));
        assertTrue(e.getMessage().contains("at most " + bytes / 2), e.getMessage());
    }

    @Test
    void aHeaderClaimingTooManyPixelsIsRefusedBeforeItsRasterIsDecoded() throws ApiError {
        DataUrlImage image = DataUrlImage.parse(ChatBodies.dataUrl(ChatBodies.scenePng(0, 200, 100)), 1 << 20);
        ApiError e = assertThrows(ApiError.class, () -> image.policyPixels(64, 200L * 100 - 1));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("20000 pixels"), e.getMessage());
    }

    @Test
    void bytesThatAreNoImageAreA400() throws ApiError {
        DataUrlImage image = DataUrlImage.parse(
                "data:image/png;base64," + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4}), 100);
        ApiError e = assertThrows(ApiError.class, () -> image.policyPixels(64, PngImages.MAX_PIXELS));
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    private static void assertRefused(String url, String why) {
        ApiError e = assertThrows(ApiError.class, () -> DataUrlImage.parse(url, 1 << 20));
        assertEquals(400, e.status());
        assertTrue(e.param().contains("image_url.url"), e.param());
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}
