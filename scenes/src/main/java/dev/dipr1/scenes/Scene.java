package dev.dipr1.scenes;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * One image with its annotation.
 *
 * @param id sample id, unique within a dataset (e.g. {@code train-000042})
 * @param image RGB pixels, {@code width × height}
 * @param persons every annotated person, counted or not
 */
public record Scene(String id, int width, int height, BufferedImage image, List<Person> persons) {

    /** Ground truth: the full-body boxes of the people that count. */
    public List<PixelBox> boxes() {
        return persons.stream().filter(p -> !p.ignored()).map(Person::full).toList();
    }

    /** Ignore regions: people too small or too hidden to count (neither help nor hurt a prediction). */
    public List<PixelBox> ignoreRegions() {
        return persons.stream().filter(Person::ignored).map(Person::full).toList();
    }

    /**
     * The image as floats in [0, 1], channel-major ({@code [3][height][width]} flattened), which is
     * what the policy's image encoder reads.
     */
    public float[] pixelsChw() {
        return pixelsChw(image);
    }

    /** Any RGB image as floats in [0, 1], channel-major: what the policy reads. */
    public static float[] pixelsChw(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] out = new float[3 * width * height];
        int plane = width * height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                int i = y * width + x;
                out[i] = ((rgb >> 16) & 0xff) / 255f;
                out[plane + i] = ((rgb >> 8) & 0xff) / 255f;
                out[2 * plane + i] = (rgb & 0xff) / 255f;
            }
        }
        return out;
    }
}
