package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.common.Seeds;
import dev.dipr1.scenes.Person;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneShiftTest {

    private static Person counted(double x1, double y1, double x2, double y2) {
        PixelBox b = new PixelBox(x1, y1, x2, y2);
        return new Person(b, b, 0.8, false);
    }

    @Test
    void theDrawnShiftCoversExactlyTheRangeThatKeepsEveryCountedPersonInTheFrame() {
        // counted people span x 3..60 and y 10..62 of a 64 × 64 image: dx in [−3, +4], dy in [−4, +2]
        List<Person> people = List.of(
                counted(3, 20, 10, 40),
                counted(50, 10, 60, 62),
                new Person(new PixelBox(0, 0, 5, 5), new PixelBox(0, 0, 5, 5), 0.1, true));
        Set<Integer> xs = new HashSet<>();
        Set<Integer> ys = new HashSet<>();
        for (long i = 0; i < 2000; i++) {
            SceneShift s = SceneShift.draw(people, 64, 64, 4, Seeds.derive(7, i));
            xs.add(s.dx());
            ys.add(s.dy());
        }
        assertEquals(Set.of(-3, -2, -1, 0, 1, 2, 3, 4), xs, "an ignore region at the edge does not bound the shift");
        assertEquals(Set.of(-4, -3, -2, -1, 0, 1, 2), ys);
    }

    @Test
    void noCountedPersonLeavesTheFrameOnRealScenes() {
        for (int index = 0; index < 300; index++) {
            Scene scene = SyntheticScenes.generate(Split.TRAIN, 3, index);
            SceneShift s = SceneShift.draw(scene.persons(), 64, 64, 8, Seeds.derive(3, index));
            List<Person> moved = s.apply(scene.persons());
            assertEquals(scene.boxes().size(), moved.size(), "every counted person kept, ignore regions dropped");
            for (Person p : moved) {
                PixelBox b = p.full();
                assertTrue(b.x1() >= 0 && b.y1() >= 0 && b.x2() <= 64 && b.y2() <= 64, index + ": " + b);
            }
        }
    }

    @Test
    void peopleMoveByTheShiftAndKeepTheirVisibility() {
        Person p = new Person(new PixelBox(10, 12, 20, 40), new PixelBox(10, 12, 18, 30), 0.6, false);
        Person q = new SceneShift(-3, 2).apply(List.of(p)).get(0);
        assertEquals(new PixelBox(7, 14, 17, 42), q.full());
        assertEquals(new PixelBox(7, 14, 15, 32), q.visible());
        assertEquals(0.6, q.visibility());
    }

    @Test
    void pixelsMoveByTheShiftAndTheUncoveredEdgeRepeatsTheNearestPixel() {
        int w = 5;
        int h = 4;
        float[] img = new float[2 * w * h];
        for (int i = 0; i < img.length; i++) {
            img[i] = i;
        }
        float[] out = new SceneShift(2, -1).apply(img, w, h);
        // channel 1, output (x=3, y=1) comes from input (x=1, y=2)
        assertEquals(img[w * h + 2 * w + 1], out[w * h + w + 3]);
        // uncovered on the left: column 0 and 1 repeat input column 0; the bottom row repeats input row 3
        assertEquals(img[2 * w], out[w], "x=0, y=1 reads x=0, y=2");
        assertEquals(img[2 * w], out[w + 1], "x=1, y=1 reads x=0, y=2");
        assertEquals(img[3 * w + 4 - 2], out[3 * w + 4], "x=4, y=3 reads x=2, y=3 (the last row again)");
    }

    @Test
    void aZeroBoundNeverMovesAndANegativeOneIsRefused() {
        List<Person> people = List.of(counted(20, 20, 30, 40));
        assertSame(SceneShift.NONE, SceneShift.draw(people, 64, 64, 0, 12345L));
        float[] img = {1, 2, 3};
        assertSame(img, SceneShift.NONE.apply(img, 3, 1));
        assertThrows(IllegalArgumentException.class, () -> SceneShift.draw(people, 64, 64, -1, 1L));
    }
}
