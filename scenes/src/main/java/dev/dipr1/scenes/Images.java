package dev.dipr1.scenes;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;

/** Reading and writing images as {@link BufferedImage#TYPE_INT_RGB}, the form every scene holds. */
final class Images {

    private static final String[] EXTENSIONS = {".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"};

    private Images() {}

    /** {@code dir/<id>.png} or {@code .jpg} (or {@code .jpeg}), whichever exists first. */
    static Optional<Path> findById(Path dir, String id) {
        for (String ext : EXTENSIONS) {
            Path p = dir.resolve(id + ext);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Reads an image and converts it to RGB; an unreadable file is an {@link IOException}. */
    static BufferedImage readRgb(Path file) throws IOException {
        BufferedImage raw;
        try {
            raw = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new IOException("cannot read image " + file + ": no image reader understands it");
        }
        return toRgb(raw);
    }

    static BufferedImage toRgb(BufferedImage raw) {
        if (raw.getType() == BufferedImage.TYPE_INT_RGB) {
            return raw;
        }
        int w = raw.getWidth();
        int h = raw.getHeight();
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raw.getRGB(0, y, w, 1, row, 0, w);
            rgb.setRGB(0, y, w, 1, row, 0, w);
        }
        return rgb;
    }

    static void writePng(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer for image type " + image.getType() + ": " + file);
        }
    }
}
