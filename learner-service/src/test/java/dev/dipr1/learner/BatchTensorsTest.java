package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.learner.ScoredGroups.Sample;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTensorsTest {

    private static final int RED = 0xff0000;
    private static final int BLUE = 0x0000ff;

    @Test
    void oneRowPerCompletionWithTokensEmptyCompletionsSkipped() {
        // Given a group whose middle completion has no tokens
        ScoredGroup g = ScoredGroups.group(
                "g",
                0,
                1.0,
                RED,
                Sample.of(new int[] {5, 6}, new float[] {-1f, -2f}, 0.5),
                Sample.of(new int[] {}, new float[] {}, 9.0),
                Sample.of(new int[] {7}, new float[] {-3f}, -0.5));
        // When
        BatchTensors b = BatchTensors.of(List.of(g));
        // Then the empty one is gone, and the advantages stay with their completions
        assertEquals(2, b.samples());
        assertArrayEquals(new int[] {5, 6}, b.tokens()[0]);
        assertArrayEquals(new int[] {7}, b.tokens()[1]);
        assertArrayEquals(new float[] {0.5f, -0.5f}, b.advantages());
        assertArrayEquals(new int[] {2, 1}, b.lengths());
        assertEquals(2, b.maxLength());
    }

    @Test
    void groupOfOnlyEmptyCompletionsGivesAnEmptyBatch() {
        BatchTensors b = BatchTensors.of(
                List.of(ScoredGroups.group("g", 0, 1.0, RED, Sample.of(new int[] {}, new float[] {}, 1.0))));
        assertEquals(0, b.samples());
        assertEquals(0, b.maxLength());
        assertEquals(0, b.oldLogProbs(3).length);
    }

    @Test
    void eachGroupImageIsDecodedOnceAndEachRowPointsAtItsGroups() {
        BatchTensors b = BatchTensors.of(List.of(
                ScoredGroups.group(
                        "red",
                        0,
                        1.0,
                        RED,
                        Sample.of(new int[] {1}, new float[] {-1f}, 1),
                        Sample.of(new int[] {3}, new float[] {-1f}, 1)),
                ScoredGroups.group("empty", 0, 1.0, RED, Sample.of(new int[] {}, new float[] {}, 1)),
                ScoredGroups.group(
                        "blue",
                        0,
                        1.0,
                        BLUE,
                        Sample.of(new int[] {}, new float[] {}, 1),
                        Sample.of(new int[] {2}, new float[] {-1f}, 1))));
        assertEquals(2, b.images().length, "one image per group with rows: the empty group has none");
        assertArrayEquals(new int[] {0, 0, 1}, b.imageOfRow());
        int plane = 4 * 2;
        assertEquals(3 * plane, b.images()[0].length, "CHW of a 4x2 image");
        assertEquals(1f, b.images()[0][0], 1e-6, "red channel of the red group");
        assertEquals(0f, b.images()[0][2 * plane], 1e-6);
        assertEquals(0f, b.images()[1][0], 1e-6);
        assertEquals(1f, b.images()[1][2 * plane], 1e-6, "blue channel of the blue group");
    }

    @Test
    void oldLogProbsArePaddedWithZerosToTheRequestedWidthOrCut() {
        BatchTensors b = BatchTensors.of(List.of(ScoredGroups.group(
                "g",
                0,
                1.0,
                RED,
                Sample.of(new int[] {1, 2, 3}, new float[] {-1f, -2f, -3f}, 1),
                Sample.of(new int[] {4}, new float[] {-4f}, 1))));
        assertArrayEquals(new float[] {-1f, -2f, -3f, 0f, -4f, 0f, 0f, 0f}, b.oldLogProbs(4));
        assertArrayEquals(new float[] {-1f, -2f, -4f, 0f}, b.oldLogProbs(2));
    }

    @Test
    void padRowsWidensNarrowsOrReturnsTheSameArray() {
        float[] v = {1f, 2f, 3f, 4f, 5f, 6f}; // [2, 3]
        assertArrayEquals(new float[] {1f, 2f, 3f, 0f, 4f, 5f, 6f, 0f}, BatchTensors.padRows(v, 3, 4, 2));
        assertArrayEquals(new float[] {1f, 2f, 4f, 5f}, BatchTensors.padRows(v, 3, 2, 2));
        assertSame(v, BatchTensors.padRows(v, 3, 3, 2));
    }

    @Test
    void temperatureMismatchKeepsTheGroupAtTheFirstGroupsTemperature() {
        BatchTensors b = BatchTensors.of(List.of(
                ScoredGroups.group("hot", 0, 0.7, RED, Sample.of(new int[] {1}, new float[] {-1f}, 1)),
                ScoredGroups.group("cold", 0, 1.0, RED, Sample.of(new int[] {2}, new float[] {-2f}, -1))));
        assertEquals(0.7f, b.temperature());
        assertEquals(2, b.samples(), "the mismatching group is kept");
    }

    @Test
    void unreadableImageNamesItsGroup() {
        ScoredGroup g = ScoredGroups.group("broken", 0, 1.0, RED, Sample.of(new int[] {1}, new float[] {-1f}, 1));
        RolloutGroup r = RolloutGroup.newBuilder(g.getRollout())
                .setImage(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .build();
        ScoredGroup broken = ScoredGroup.newBuilder(g).setRollout(r).build();
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> BatchTensors.of(List.of(broken)));
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
    }

    @Test
    void noGroupsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> BatchTensors.of(List.of()));
    }
}
