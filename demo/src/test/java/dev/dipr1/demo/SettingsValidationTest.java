package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsValidationTest {

    @Test
    void theNamedRunsAreValid() {
        assertDoesNotThrow(DemoSettings::standard);
        assertDoesNotThrow(DemoSettings::quick);
        assertDoesNotThrow(SamplingSettings::defaults);
    }

    @Test
    void withRlChangesOnlyTheRlBudget() {
        DemoSettings q = DemoSettings.quick();
        DemoSettings longer = q.withRl(90, 2.5);
        assertEquals(2.5, longer.rlMaxMinutes());
        assertEquals(new DemoSettings(q.sftSteps(), 90, 2.5, q.trainScenes(), q.evalImages(), q.generators()), longer);
        assertEquals(90 * DemoSettings.SFT_STEPS_PER_RL_STEP, longer.sftMoreSteps(64));
    }

    @Test
    void equalComputeSftScalesWithTheSamplesOfAnRlStep() {
        DemoSettings standard = DemoSettings.standard();
        assertEquals(600, standard.sftMoreSteps(8 * 8));
        assertEquals(1200, standard.sftMoreSteps(16 * 8));
        assertEquals(1200, standard.sftMoreSteps(8 * 16));
        assertEquals(300, standard.sftMoreSteps(4 * 8));
        assertEquals(3, new DemoSettings(10, 1, 1, 10, 10, 1).sftMoreSteps(63), "rounded up, never below the rate");
        assertThrows(IllegalArgumentException.class, () -> standard.sftMoreSteps(0));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, 601, Double.NaN, Double.POSITIVE_INFINITY})
    void rlMinutesOutsideZeroToSixHundredSayWhichOption(double minutes) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> DemoSettings.quick().withRl(30, minutes));
        assertTrue(e.getMessage().contains("--rl-minutes") && e.getMessage().contains("(0, 600]"), e.getMessage());
    }

    @Test
    void sizesHaveUpperAndLowerBounds() {
        assertThrows(IllegalArgumentException.class, () -> new DemoSettings(0, 1, 1, 10, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new DemoSettings(10, 1, 1, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new DemoSettings(10, 1, 1, 10, 10_001, 1));
        IllegalArgumentException steps =
                assertThrows(IllegalArgumentException.class, () -> new DemoSettings(10, 0, 1, 10, 10, 1));
        assertTrue(steps.getMessage().contains("--rl-steps"), steps.getMessage());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new DemoSettings(10, 1, 1, 10, 10, 17));
        assertEquals("generators must be between 1 and 16, was 17", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 8, 64})
    void groupSizesFromTwoToSixtyFourAreAccepted(int g) {
        assertEquals(g, new SamplingSettings(g, 0.7f).groupSize());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 1, 65})
    void otherGroupSizesAreRejectedNamingTheOption(int g) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(g, 0.7f));
        assertTrue(e.getMessage().startsWith("--group-size must be between 2 and 64"), e.getMessage());
        assertTrue(e.getMessage().endsWith("was " + g), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, -0.5f, 10.001f, Float.NaN, Float.POSITIVE_INFINITY})
    void temperaturesOutsideZeroToTenAreRejected(float t) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(8, t));
        assertTrue(e.getMessage().startsWith("--temperature must be in (0, 10.0]"), e.getMessage());
    }

    @Test
    void temperatureTenIsTheLargestAccepted() {
        assertEquals(10f, new SamplingSettings(8, 10f).temperature());
    }
}
