package dev.dipr1.scenes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading images with the pixel bound checked on the header, before the raster is decoded. */
class PngImagesTest {

    @TempDir
    Path dir;

    /** A PNG of an 8-bit grey image that has a header and nothing else: no pixel data. */
    static byte[] headerOnly(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grey, deflate, adaptive filter, no interlace
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt(data.length);
        out.write(t);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }

    @Test
    void theHeaderSizeIsReadWithoutPixels() throws IOException {
        assertEquals(new Dimension(20000, 20000), PngImages.size(ByteBuffer.wrap(headerOnly(20000, 20000)), null));
    }

    @Test
    void anImageOverTheBoundIsRefusedBeforeDecoding() throws IOException {
        // Given a decodable grey image of 5000×5000 = 25 M pixels, over the 16.7 M bound
        BufferedImage big = new BufferedImage(5000, 5000, BufferedImage.TYPE_BYTE_GRAY);
        ByteBuffer png = ByteBuffer.wrap(PngImages.encode(big));

        // When it is read, then it is refused on its header, with the size in the reason
        IOException e = assertThrows(IOException.class, () -> PngImages.read(png, "inline:big.png"));
        assertTrue(e.getMessage().contains("5000×5000"), e.getMessage());
    }

    @Test
    void aHugeHeaderIsRefusedWithTheBoundInTheReason() throws IOException {
        ByteBuffer png = ByteBuffer.wrap(headerOnly(20000, 20000));
        IOException e = assertThrows(IOException.class, () -> PngImages.read(png, "inline:huge.png"));
        assertTrue(
                e.getMessage().contains("20000×20000") && e.getMessage().contains("" + PngImages.MAX_PIXELS),
                e.getMessage());
    }

    @Test
    void aLowerBoundIsHonoured() throws IOException {
        ByteBuffer png = ByteBuffer.wrap(PngImages.encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB)));
        assertEquals(64, PngImages.read(png, null, 64 * 64).getWidth());
        assertThrows(IOException.class, () -> PngImages.read(png, null, 64 * 64 - 1));
    }

    @Test
    void imagesUnderTheBoundReadAsBefore() throws IOException {
        BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 4, 0x123456);
        Path file = dir.resolve("a.png");
        Files.write(file, PngImages.encode(img));

        BufferedImage fromFile = PngImages.read(null, file.toUri().toString());
        BufferedImage fromPath = PngImages.read(null, file.toString());
        BufferedImage inline = PngImages.read(ByteBuffer.wrap(Files.readAllBytes(file)), "ignored");

        for (BufferedImage read : new BufferedImage[] {fromFile, fromPath, inline}) {
            assertEquals(32, read.getWidth());
            assertEquals(24, read.getHeight());
            assertEquals(0x123456, read.getRGB(3, 4) & 0xffffff);
        }
    }

    @Test
    void bytesThatAreNoImageAndFilesThatAreNoFilesAreRefused() {
        assertThrows(IOException.class, () -> PngImages.read(ByteBuffer.wrap(new byte[] {1, 2, 3}), "x"));
        assertThrows(
                IOException.class,
                () -> PngImages.read(null, dir.resolve("missing.png").toString()));
        assertThrows(IOException.class, () -> PngImages.read(null, dir.toString()));
    }

    @Test
    void theSizeCheckIsPure() {
        assertEquals(Optional.empty(), PngImages.sizeProblem(new Dimension(4096, 4096), PngImages.MAX_PIXELS));
        assertTrue(PngImages.sizeProblem(new Dimension(4097, 4096), PngImages.MAX_PIXELS)
                .isPresent());
        assertTrue(PngImages.sizeProblem(new Dimension(0, 10), PngImages.MAX_PIXELS)
                .isPresent());
        // a product that would overflow an int is still compared correctly
        assertTrue(PngImages.sizeProblem(new Dimension(65536, 65536), PngImages.MAX_PIXELS)
                .isPresent());
    }
}
