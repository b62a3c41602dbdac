package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WeightAverageTest {

    @Test
    void eachUpdateMovesTheAverageAFractionOneMinusDecayTowardsTheTrainedWeights() {
        try (Policy start = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy trained = Policy.initialise(PolicyConfig.tiny(), 2);
                WeightAverage average = new WeightAverage(start, 0.9f)) {
            List<float[]> a = values(start);
            List<float[]> b = values(trained);
            int before = average.policy().liveArrays();
            average.update(trained);
            assertClose(a, b, 0.9f, values(average.policy()));
            average.update(trained);
            // 0.9 × (0.9 a + 0.1 b) + 0.1 b
            assertClose(a, b, 0.81f, values(average.policy()));
            assertEquals(before, average.policy().liveArrays(), "no arrays leak");
            for (int i = 0; i < b.size(); i++) {
                assertArrayEquals(b.get(i), values(trained).get(i), "the trained weights are untouched");
            }
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), values(start).get(i), "the average is a copy, not the start itself");
            }
        }
    }

    @Test
    void aDecayOutsideTheOpenUnitIntervalIsRefused() {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            for (float bad : new float[] {0f, 1f, -0.5f, Float.NaN}) {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> new WeightAverage(p, bad));
                assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
            }
        }
    }

    /** {@code actual} is {@code w × a + (1 − w) × b}, parameter by parameter. */
    private static void assertClose(List<float[]> a, List<float[]> b, float w, List<float[]> actual) {
        int differing = 0;
        for (int i = 0; i < a.size(); i++) {
            for (int j = 0; j < a.get(i).length; j++) {
                float expected = w * a.get(i)[j] + (1 - w) * b.get(i)[j];
                assertEquals(expected, actual.get(i)[j], 1e-6f + 1e-5f * Math.abs(expected), "parameter " + i);
                if (a.get(i)[j] != b.get(i)[j]) {
                    differing++;
                }
            }
        }
        assertTrue(differing > 1000, "the two policies differ, so the test can tell the weights apart");
    }

    private static List<float[]> values(Policy p) {
        return p.parameters().stream().map(x -> x.toFloatArray()).toList();
    }
}
