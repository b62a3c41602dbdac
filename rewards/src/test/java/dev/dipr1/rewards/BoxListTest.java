package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bounded list of parsed boxes. */
class BoxListTest {

    @Test
    void startsEmpty() {
        assertEquals(0, new BoxList().count());
    }

    @Test
    void keepsEveryBoxInOrderAcrossGrowth() {
        BoxList boxes = new BoxList();
        for (int i = 0; i < 100; i++) {
            assertTrue(boxes.add(new double[] {i, -i, i + 0.5, -0.0}));
        }
        assertEquals(100, boxes.count());
        for (int i = 0; i < 100; i++) {
            assertEquals(i, boxes.coord(i, 0));
            assertEquals(-i, boxes.coord(i, 1));
            assertEquals(i + 0.5, boxes.coord(i, 2));
            assertEquals(-0.0, boxes.coord(i, 3));
        }
    }

    @Test
    void theBoxAfterTheLimitIsRefusedAndNotAdded() {
        BoxList boxes = new BoxList();
        double[] quad = {1, 2, 3, 4};
        for (int i = 0; i < BoxList.MAX; i++) {
            assertTrue(boxes.add(quad), "box " + i);
        }
        assertFalse(boxes.add(new double[] {9, 9, 9, 9}));
        assertEquals(BoxList.MAX, boxes.count());
        assertEquals(4.0, boxes.coord(BoxList.MAX - 1, 3));
    }

    @Test
    void copiesTheQuadRatherThanKeepingIt() {
        BoxList boxes = new BoxList();
        double[] quad = {1, 2, 3, 4};
        boxes.add(quad);
        quad[0] = 99;
        assertEquals(1.0, boxes.coord(0, 0));
    }
}
