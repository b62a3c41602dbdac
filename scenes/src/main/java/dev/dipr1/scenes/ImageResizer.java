package dev.dipr1.scenes;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Brings an image to the policy's input size (a square of {@code side} pixels), pure and
 * deterministic: bilinear interpolation by java.awt with fixed hints, drawn into a new RGB image.
 * Width and height are scaled independently (no letterbox), so a box {@code [x1, y1, x2, y2]} in
 * the resized image is {@code [x1·W/side, y1·H/side, x2·W/side, y2·H/side]} in the original.
 * Shrinking halves the image step by step before the last bilinear step, so every source pixel
 * contributes (one bilinear step from 640 to 64 would read only a fifth of them).
 */
public final class ImageResizer {

    private ImageResizer() {}

    /** {@code image} itself when it is already {@code side × side}, else a resized RGB copy. */
    public static BufferedImage toSquare(BufferedImage image, int side) {
        if (side <= 0) {
            throw new IllegalArgumentException("the side must be positive, was " + side);
        }
        if (image.getWidth() == side && image.getHeight() == side) {
            return image;
        }
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        do {
            w = w / 2 >= side ? w / 2 : side;
            h = h / 2 >= side ? h / 2 : side;
            current = draw(current, w, h);
        } while (w != side || h != side);
        return current;
    }

    private static BufferedImage draw(BufferedImage source, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_DITHERING, RenderingHints.VALUE_DITHER_DISABLE);
            g.setRenderingHint(RenderingHints.KEY_COLOR_RENDERING, RenderingHints.VALUE_COLOR_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
