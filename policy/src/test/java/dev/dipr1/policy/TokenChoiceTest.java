package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenChoiceTest {

    private static final float[] TWO_ROWS = {0f, 3f, 1f, /* row 1 */ 2f, 2f, -1f};

    @Test
    void greedyTakesTheArgmaxOfItsRowWithItsLogProbAtTemperatureOne() {
        double[] out = new double[2];
        TokenChoice.greedy(TWO_ROWS, 3, 0, out);
        assertEquals(1, (int) out[0]);
        assertEquals(3 - Math.log(Math.exp(0) + Math.exp(3) + Math.exp(1)), out[1], 1e-12);
        // ties go to the first
        TokenChoice.greedy(TWO_ROWS, 3, 1, out);
        assertEquals(0, (int) out[0]);
    }

    @Test
    void logSumExpIsStableForLargeLogitsAndScalesByTemperature() {
        float[] big = {1000f, 1000f};
        assertEquals(1000 + Math.log(2), TokenChoice.logSumExp(big, 0, 2, 1f), 1e-9);
        assertEquals(500 + Math.log(2), TokenChoice.logSumExp(big, 0, 2, 2f), 1e-9);
    }

    @Test
    void aTinyNucleusLeavesOnlyTheMostLikelyTokenButTheLogProbIsOfTheFullDistribution() {
        double[] out = new double[2];
        float temp = 0.5f;
        for (long seed = 0; seed < 20; seed++) {
            TokenChoice.sampled(TWO_ROWS, 3, 0, temp, 1e-6f, new Random(seed), out);
            assertEquals(1, (int) out[0]);
            assertEquals(3 / 0.5 - TokenChoice.logSumExp(TWO_ROWS, 0, 3, temp), out[1], 1e-12);
        }
    }

    @Test
    void theSeedDecidesTheSampleAndEveryTokenCanBeDrawn() {
        float[] flat = {0f, 0f, 0f, 0f};
        double[] a = new double[2];
        double[] b = new double[2];
        TokenChoice.sampled(flat, 4, 0, 1f, 1f, new Random(5), a);
        TokenChoice.sampled(flat, 4, 0, 1f, 1f, new Random(5), b);
        assertEquals(a[0], b[0]);
        assertEquals(-Math.log(4), a[1], 1e-12);
        int[] seen = new int[4];
        for (long seed = 0; seed < 200; seed++) {
            TokenChoice.sampled(flat, 4, 0, 1f, 1f, new Random(seed), a);
            seen[(int) a[0]]++;
        }
        for (int n : seen) {
            assertNotEquals(0, n);
        }
    }

    @Test
    void oneGumbelVariatePerTokenIsDrawnWhateverTheNucleus() {
        Random full = new Random(9);
        Random cut = new Random(9);
        double[] out = new double[2];
        TokenChoice.sampled(TWO_ROWS, 3, 0, 1f, 1f, full, out);
        TokenChoice.sampled(TWO_ROWS, 3, 0, 1f, 0.1f, cut, out);
        assertEquals(full.nextLong(), cut.nextLong());
    }
}
