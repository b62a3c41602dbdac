package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoxTest {

    @Test
    void iouOfIdenticalBoxesIsOne() {
        Box a = new Box(1, 2, 11, 22);
        assertEquals(1.0, Box.iou(a, a));
    }

    @Test
    void iouOfHalfOverlap() {
        // intersection 50, union 150
        assertEquals(1.0 / 3.0, Box.iou(new Box(0, 0, 10, 10), new Box(5, 0, 15, 10)), 1e-15);
    }

    @Test
    void iouOfDisjointAndTouchingBoxesIsZero() {
        assertEquals(0.0, Box.iou(new Box(0, 0, 10, 10), new Box(20, 20, 30, 30)));
        assertEquals(0.0, Box.iou(new Box(0, 0, 10, 10), new Box(10, 0, 20, 10)));
    }

    @Test
    void iouIsZeroWhenTheUnionIsZero() {
        Box degenerate = new Box(5, 5, 5, 5);
        assertEquals(0.0, Box.iou(degenerate, degenerate));
    }

    @Test
    void iouOfNestedBoxes() {
        assertEquals(0.25, Box.iou(new Box(0, 0, 10, 10), new Box(0, 0, 5, 5)));
    }

    @Test
    void iouIsSymmetric() {
        Box a = new Box(0, 0, 7, 3);
        Box b = new Box(2, 1, 9, 8);
        assertEquals(Box.iou(a, b), Box.iou(b, a));
    }

    @Test
    void clipToImage() {
        assertEquals(new Box(0, 0, 640, 480), new Box(-10, -5, 700, 500).clip(640, 480));
        assertEquals(new Box(10, 20, 30, 40), new Box(10, 20, 30, 40).clip(640, 480));
    }

    @Test
    void clipOfNegativeZeroGivesPositiveZero() {
        Box b = new Box(-0.0, -0.0, 1, 1).clip(10, 10);
        assertEquals(0, Double.compare(0.0, b.x1()));
    }

    @Test
    void boxOutsideTheImageBecomesInvalidWhenClipped() {
        Box b = new Box(700, 10, 800, 20).clip(640, 480);
        assertEquals(new Box(640, 10, 640, 20), b);
        assertFalse(b.isValid());
    }

    @Test
    void validity() {
        assertTrue(new Box(0, 0, 1, 1).isValid());
        assertFalse(new Box(1, 0, 1, 1).isValid());
        assertFalse(new Box(0, 1, 1, 1).isValid());
        assertFalse(new Box(2, 0, 1, 1).isValid());
    }

    @Test
    void areaOfInvalidBoxIsZero() {
        assertEquals(0.0, new Box(5, 5, 1, 1).area());
        assertEquals(12.0, new Box(1, 1, 5, 4).area());
    }

    @Test
    void nonFiniteCoordinatesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Box(Double.NaN, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Box(0, 0, Double.POSITIVE_INFINITY, 1));
    }
}
