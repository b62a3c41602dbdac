package dev.dipr1.scenes;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** PNG bytes to and from images; images named by URI or path. */
public final class PngImages {

    private PngImages() {}

    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The inline image when there is one, else the image at the URI (file: URI or a plain path). */
    public static BufferedImage read(ByteBuffer inline, String uri) throws IOException {
        BufferedImage img;
        if (inline != null) {
            ByteBuffer b = inline.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } else {
            Path p = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
            img = ImageIO.read(p.toFile());
        }
        if (img == null) {
            throw new IOException("not a readable image: " + (inline != null ? "inline bytes" : uri));
        }
        return img;
    }
}
