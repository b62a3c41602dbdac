package dev.dipr1.policy;

import dev.dipr1.scenes.Person;
import dev.dipr1.scenes.PixelBox;
import java.util.ArrayList;
import java.util.List;

/**
 * Translation augmentation for SFT: a scene moved by whole pixels, its labels moved with it.
 *
 * <p>The shift is bounded so that no counted person leaves the frame: with counted boxes spanning
 * {@code [minX1, maxX2] × [minY1, maxY2]}, {@code dx} lies in {@code [−min(max, minX1), min(max, width − maxX2)]}
 * (and {@code dy} likewise), so every label stays exact — no box is cut, no visibility changes. The pixels the shift
 * uncovers repeat the nearest edge row or column. Ignore regions are dropped from the shifted people: the SFT target
 * uses counted people only, and an ignore region may leave the frame.
 *
 * @param dx pixels to the right (negative: left)
 * @param dy pixels down (negative: up)
 */
public record SceneShift(int dx, int dy) {

    /** No movement. */
    public static final SceneShift NONE = new SceneShift(0, 0);

    /**
     * The shift for one sample: each of {@code dx, dy} uniform over the whole pixels within {@code ±max} that keep
     * every counted person of {@code persons} in the frame, drawn from {@code random} (64 random bits; the low half
     * picks dx, the high half dy).
     */
    public static SceneShift draw(List<Person> persons, int width, int height, int max, long random) {
        if (max < 0) {
            throw new IllegalArgumentException("max shift must be >= 0, was " + max);
        }
        if (max == 0) {
            return NONE;
        }
        int left = max;
        int right = max;
        int up = max;
        int down = max;
        for (Person p : persons) {
            if (p.ignored()) {
                continue;
            }
            PixelBox b = p.full();
            left = Math.min(left, (int) Math.floor(b.x1()));
            right = Math.min(right, (int) Math.floor(width - b.x2()));
            up = Math.min(up, (int) Math.floor(b.y1()));
            down = Math.min(down, (int) Math.floor(height - b.y2()));
        }
        int dx = pick(-Math.max(0, left), Math.max(0, right), random & 0xFFFFFFFFL);
        int dy = pick(-Math.max(0, up), Math.max(0, down), random >>> 32);
        return new SceneShift(dx, dy);
    }

    private static int pick(int lo, int hi, long bits) {
        return lo + (int) (bits % (hi - lo + 1));
    }

    /** A channel-major ({@code [c][height][width]}) image moved by this shift, uncovered pixels repeating the edge. */
    public float[] apply(float[] chw, int width, int height) {
        if (dx == 0 && dy == 0) {
            return chw;
        }
        int plane = width * height;
        int channels = chw.length / plane;
        float[] out = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            int off = c * plane;
            for (int y = 0; y < height; y++) {
                int sy = Math.min(height - 1, Math.max(0, y - dy));
                for (int x = 0; x < width; x++) {
                    int sx = Math.min(width - 1, Math.max(0, x - dx));
                    out[off + y * width + x] = chw[off + sy * width + sx];
                }
            }
        }
        return out;
    }

    /** The counted people moved by this shift (ignore regions dropped; see the class comment). */
    public List<Person> apply(List<Person> persons) {
        List<Person> out = new ArrayList<>();
        for (Person p : persons) {
            if (!p.ignored()) {
                out.add(new Person(move(p.full()), move(p.visible()), p.visibility(), false));
            }
        }
        return out;
    }

    private PixelBox move(PixelBox b) {
        return new PixelBox(b.x1() + dx, b.y1() + dy, b.x2() + dx, b.y2() + dy);
    }
}
