package dev.dipr1.rewards;

import java.util.Arrays;

/** The boxes read from one BOXES block, unclipped, in the order written: at most {@value #MAX} of them. */
final class BoxList {

    /** Spec §1: a block with more boxes is unparsable. */
    static final int MAX = 512;

    private double[] coords = new double[64];
    private int count;

    int count() {
        return count;
    }

    /** Coordinate k (0..3) of box i. */
    double coord(int i, int k) {
        return coords[4 * i + k];
    }

    /** Appends the box {@code quad[0..3]}; false (and nothing added) when the list already holds {@value #MAX}. */
    boolean add(double[] quad) {
        if (count == MAX) {
            return false;
        }
        if (4 * count + 4 > coords.length) {
            coords = Arrays.copyOf(coords, coords.length * 2);
        }
        System.arraycopy(quad, 0, coords, 4 * count, 4);
        count++;
        return true;
    }
}
