package dev.dipr1.scenes;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * PNG bytes to and from images; images named by URI or path. Reading checks the size the image's
 * header claims before any pixel is decoded (see {@link #MAX_PIXELS}).
 */
public final class PngImages {

    /**
     * The most pixels an image may claim: 4096×4096. Decoded as ARGB ints that is 64 MB, which any
     * heap we run with survives; the largest CrowdHuman and CityPersons images (2048×1024 and
     * similar) are well under it, while a 20000×20000 header would claim 1.6 GB.
     */
    public static final long MAX_PIXELS = 4096L * 4096L;

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

    /**
     * The inline image when there is one, else the image at the URI (file: URI or a plain path);
     * refused with an IOException when its header claims more than {@link #MAX_PIXELS}.
     */
    public static BufferedImage read(ByteBuffer inline, String uri) throws IOException {
        return read(inline, uri, MAX_PIXELS);
    }

    /**
     * Like {@link #read(ByteBuffer, String)} with another pixel bound: the header's width and
     * height are read first and the raster is decoded only when {@code width × height <= maxPixels}.
     */
    public static BufferedImage read(ByteBuffer inline, String uri, long maxPixels) throws IOException {
        try (ImageInputStream in = open(inline, uri)) {
            ImageReader reader = readerFor(in, inline, uri);
            try {
                reader.setInput(in, true, true);
                Dimension size = new Dimension(reader.getWidth(0), reader.getHeight(0));
                Optional<String> tooLarge = sizeProblem(size, maxPixels);
                if (tooLarge.isPresent()) {
                    throw new IOException(describe(inline, uri) + ": " + tooLarge.get());
                }
                BufferedImage img = reader.read(0, reader.getDefaultReadParam());
                if (img == null) {
                    throw new IOException("not a readable image: " + describe(inline, uri));
                }
                return img;
            } finally {
                reader.dispose();
            }
        }
    }

    /** The width and height an image's header claims, without decoding its pixels. */
    public static Dimension size(ByteBuffer inline, String uri) throws IOException {
        try (ImageInputStream in = open(inline, uri)) {
            ImageReader reader = readerFor(in, inline, uri);
            try {
                reader.setInput(in, true, true);
                return new Dimension(reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        }
    }

    /** Why an image of {@code size} may not be decoded under {@code maxPixels}, if it may not (pure). */
    public static Optional<String> sizeProblem(Dimension size, long maxPixels) {
        if (size.width <= 0 || size.height <= 0) {
            return Optional.of("the header claims " + size.width + "×" + size.height + " pixels");
        }
        long pixels = (long) size.width * size.height;
        if (pixels > maxPixels) {
            return Optional.of("the header claims " + size.width + "×" + size.height + " = " + pixels
                    + " pixels, more than the " + maxPixels + " decoded at most");
        }
        return Optional.empty();
    }

    private static ImageInputStream open(ByteBuffer inline, String uri) throws IOException {
        ImageInputStream in;
        if (inline != null) {
            ByteBuffer b = inline.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes));
        } else {
            Path p = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
            // A FIFO or device would block or never end: only regular files are images.
            if (!Files.isRegularFile(p)) {
                throw new IOException("not a regular file: " + p);
            }
            in = ImageIO.createImageInputStream(p.toFile());
        }
        if (in == null) {
            throw new IOException("cannot open " + describe(inline, uri));
        }
        return in;
    }

    private static ImageReader readerFor(ImageInputStream in, ByteBuffer inline, String uri) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new IOException("not a readable image: " + describe(inline, uri));
        }
        return readers.next();
    }

    private static String describe(ByteBuffer inline, String uri) {
        return inline != null ? "inline bytes" : uri;
    }
}
