package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dipr1.policy.InputPacking.TeacherForcing;
import org.junit.jupiter.api.Test;

class InputPackingTest {

    private static final int P = Tokenizer.PAD;

    @Test
    void teacherForcingShiftsCompletionsBehindThePromptAndPadsShortOnes() {
        // Given the prompt [1, 9] and completions of lengths 3 and 1
        TeacherForcing b = TeacherForcing.of(new int[] {1, 9}, new int[][] {{30, 31, 2}, {2}});
        // Then T = 3, inputs are prompt + all but the last completion token
        assertEquals(2, b.rows());
        assertEquals(3, b.tMax());
        assertEquals(4, b.len());
        assertArrayEquals(new long[] {1, 9, 30, 31, 1, 9, 2, P}, b.input());
        assertArrayEquals(new long[] {30, 31, 2, 2, P, P}, b.target());
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0}, b.mask());
    }

    @Test
    void emptyCompletionsStillGiveOnePredictedPositionFullyMasked() {
        TeacherForcing b = TeacherForcing.of(new int[] {1, 9}, new int[][] {{}});
        assertEquals(1, b.tMax());
        assertArrayEquals(new long[] {1, 9}, b.input());
        assertArrayEquals(new float[] {0}, b.mask());
        TeacherForcing none = TeacherForcing.of(new int[] {1}, new int[0][]);
        assertEquals(0, none.input().length);
    }

    @Test
    void imagesAreConcatenatedAndAWrongSizeIsNamed() {
        float[] a = new float[3 * 2 * 2];
        float[] b = new float[3 * 2 * 2];
        a[0] = 1;
        b[11] = 2;
        float[] flat = InputPacking.images(new float[][] {a, b}, 2);
        assertEquals(24, flat.length);
        assertEquals(1f, flat[0]);
        assertEquals(2f, flat[23]);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> InputPacking.images(new float[][] {a, new float[5]}, 2));
        assertEquals("image 1 has 5 values, expected 3×2×2=12", e.getMessage());
    }

    @Test
    void promptRowsRepeatThePromptAndPadTheRest() {
        assertArrayEquals(new long[] {1, 9, P, 1, 9, P}, InputPacking.promptRows(new int[] {1, 9}, 2, 3));
    }
}
