package dev.dipr1.scenes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageResizerTest {

    private static BufferedImage halves(int width, int height, int left, int right) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, x < width / 2 ? left : right);
            }
        }
        return img;
    }

    @Test
    void anImageOfThePolicySizeIsUsedAsItIs() {
        BufferedImage img = halves(64, 64, 0xff0000, 0x0000ff);
        assertSame(img, ImageResizer.toSquare(img, 64));
    }

    @Test
    void smallAndLargeImagesComeOutAtThePolicySize() {
        for (int[] wh : new int[][] {{32, 32}, {640, 480}, {48, 1000}, {1, 1}, {4096, 4096}}) {
            BufferedImage out = ImageResizer.toSquare(halves(wh[0], wh[1], 0xff0000, 0x0000ff), 64);
            assertEquals(64, out.getWidth(), wh[0] + "×" + wh[1]);
            assertEquals(64, out.getHeight(), wh[0] + "×" + wh[1]);
            assertEquals(3 * 64 * 64, Scene.pixelsChw(out).length, "what the policy reads");
        }
    }

    @Test
    void aUniformImageStaysUniform() {
        BufferedImage out = ImageResizer.toSquare(halves(640, 480, 0x336699, 0x336699), 64);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertEquals(0x336699, out.getRGB(x, y) & 0xffffff, "at " + x + "," + y);
            }
        }
    }

    @Test
    void contentKeepsItsPlaceInBothDirections() {
        for (int side : new int[] {32, 640}) {
            BufferedImage out = ImageResizer.toSquare(halves(side, side, 0xff0000, 0x0000ff), 64);
            assertEquals(0xff0000, out.getRGB(5, 30) & 0xffffff, "left stays red, from " + side);
            assertEquals(0x0000ff, out.getRGB(58, 30) & 0xffffff, "right stays blue, from " + side);
            assertTrue((out.getRGB(31, 30) >> 16 & 0xff) > 0, "the border stays in the middle, from " + side);
            assertTrue((out.getRGB(32, 30) & 0xff) > 0, "the border stays in the middle, from " + side);
        }
    }

    @Test
    void theSameInputGivesTheSamePixels() {
        BufferedImage in = halves(640, 480, 0x102030, 0xf0e0d0);
        in.setRGB(100, 100, 0xffffff);
        assertArrayEquals(
                Scene.pixelsChw(ImageResizer.toSquare(in, 64)), Scene.pixelsChw(ImageResizer.toSquare(in, 64)));
    }
}
