package dev.dipr1.policy;

import dev.dipr1.scenes.Person;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The supervised target for a scene, as calibrated:
 *
 * <ul>
 *   <li>think — a short summary: the number of counted people and, with two or more, the third of
 *       the image (left / centre / right, by box centre) that holds most of them;
 *   <li>look — up to two counted people more than 10% occluded, the most occluded first (else the
 *       single most occluded one): the regions a careful observer would inspect;
 *   <li>answer — every counted full-body box ({@link Scene#boxes()}) sorted by x1, then y1.
 * </ul>
 *
 * Boxes are rounded to integer pixels of the policy's {@code imageSize} grid.
 *
 * @param count counted people
 * @param dense the densest third, null with fewer than two people
 * @param look look boxes, {x1, y1, x2, y2}
 * @param answer answer boxes, {x1, y1, x2, y2}
 */
public record TargetTemplate(int count, Tokenizer.Side dense, List<int[]> look, List<int[]> answer) {

    /** A person counts as occluded above this hidden fraction. */
    public static final double OCCLUDED = 0.10;

    public static final int MAX_LOOK = 2;

    /** The target for a scene whose size equals the policy's image size (64 by default). */
    public static TargetTemplate of(Scene scene) {
        return of(scene.persons(), scene.width(), scene.height(), false);
    }

    /**
     * The target for the given people of a {@code width × height} image, optionally mirrored
     * left–right (for flip augmentation: {@code x → width − x}).
     */
    public static TargetTemplate of(List<Person> persons, int width, int height, boolean mirrored) {
        List<Person> counted = persons.stream().filter(p -> !p.ignored()).toList();
        List<PixelBox> boxes = new ArrayList<>();
        for (Person p : counted) {
            boxes.add(mirrored ? mirror(p.full(), width) : p.full());
        }
        int n = counted.size();
        Tokenizer.Side dense = null;
        if (n >= 2) {
            int[] thirds = new int[3];
            for (PixelBox b : boxes) {
                double cx = (b.x1() + b.x2()) / 2 / width;
                thirds[Math.min(2, Math.max(0, (int) Math.floor(cx * 3)))]++;
            }
            // ties prefer the centre, then the left
            int best = 1;
            if (thirds[0] > thirds[best]) {
                best = 0;
            }
            if (thirds[2] > thirds[best]) {
                best = 2;
            }
            dense = Tokenizer.Side.values()[best];
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> counted.get(i).visibility())
                .thenComparing(i -> i));
        List<int[]> look = new ArrayList<>();
        for (int i : order) {
            if (look.size() < MAX_LOOK && 1 - counted.get(i).visibility() > OCCLUDED) {
                look.add(quantise(boxes.get(i), width, height));
            }
        }
        if (look.isEmpty() && !order.isEmpty()) {
            look.add(quantise(boxes.get(order.get(0)), width, height));
        }
        List<int[]> answer = new ArrayList<>();
        for (PixelBox b : boxes) {
            answer.add(quantise(b, width, height));
        }
        answer.sort(Comparator.comparingInt((int[] b) -> b[0])
                .thenComparingInt(b -> b[1])
                .thenComparingInt(b -> b[2])
                .thenComparingInt(b -> b[3]));
        return new TargetTemplate(n, dense, List.copyOf(look), List.copyOf(answer));
    }

    /** The completion tokens (ending with {@code <eos>}). */
    public int[] tokens(Tokenizer tokenizer) {
        return tokenizer.encodeTarget(count, dense, look, answer);
    }

    /** The canonical completion text. */
    public String text(Tokenizer tokenizer) {
        return tokenizer.decode(tokens(tokenizer));
    }

    static PixelBox mirror(PixelBox b, int width) {
        return new PixelBox(width - b.x2(), b.y1(), width - b.x1(), b.y2());
    }

    /** Rounds to the 64-pixel (or whatever size) grid; keeps at least one pixel of width/height. */
    static int[] quantise(PixelBox b, int width, int height) {
        int w = width;
        int h = height;
        int x1 = clamp((int) Math.round(b.x1()), w);
        int y1 = clamp((int) Math.round(b.y1()), h);
        int x2 = clamp((int) Math.round(b.x2()), w);
        int y2 = clamp((int) Math.round(b.y2()), h);
        if (x2 <= x1) {
            if (x1 < w) {
                x2 = x1 + 1;
            } else {
                x1 = x2 - 1;
            }
        }
        if (y2 <= y1) {
            if (y1 < h) {
                y2 = y1 + 1;
            } else {
                y1 = y2 - 1;
            }
        }
        return new int[] {x1, y1, x2, y2};
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(max, v));
    }
}
