package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SettingsValidationTest {

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void defaultsAreValid() {
        assertEquals(128, PolicyConfig.defaults().dModel());
        assertEquals(32, PolicyConfig.tiny().dModel());
        assertEquals(SftSettings.DEFAULT_BATCH_SIZE, SftSettings.defaults().batchSize());
        assertEquals(
                SamplingSettings.DEFAULT_MAX_TOKENS, SamplingSettings.defaults().maxTokens());
        assertEquals(SamplingSettings.DEFAULT_SEED, SamplingSettings.defaults().seed());
        assertEquals(7L, SamplingSettings.defaults(7).seed());
    }

    @Test
    void policyConfigNamesEveryProblemAndItsBound() {
        String m = message(() -> new PolicyConfig(60, 8, 4, 30, 4, 64, 1, 0, 2000));
        assertTrue(m.contains("image_size=60 must be a positive multiple of 8 up to 1024"), m);
        assertTrue(m.contains("d_model=30 must be a positive multiple of heads=4"), m);
        assertTrue(m.contains("decoder_layers=0 in [1, 64]"), m);
        assertTrue(m.contains("max_seq_len=2000 must be in [16, 1024]"), m);
        assertTrue(message(() -> new PolicyConfig(64, 8, 4, 32, 2, 10_000, 1, 1, 96))
                .contains("at most 8192"));
        assertTrue(
                message(() -> new PolicyConfig(64, 8, 4, 32, 2, 64, 65, 1, 96)).contains("encoder_layers=65"));
        assertTrue(
                message(() -> new PolicyConfig(64, 6, 4, 32, 2, 64, 1, 1, 96)).contains("norm_groups=4"));
        assertDoesNotThrow(() -> new PolicyConfig(1024, 8, 4, 32, 2, 64, 0, 64, 1024));
    }

    @Test
    void samplingSettingsBoundTemperatureTopPAndTokens() {
        assertTrue(message(() -> new SamplingSettings(0f, 1f, 10, 1)).contains("temperature=0.0"));
        assertTrue(message(() -> new SamplingSettings(Float.NaN, 1f, 10, 1)).contains("temperature=NaN"));
        assertTrue(message(() -> new SamplingSettings(Float.POSITIVE_INFINITY, 1f, 10, 1))
                .contains("finite"));
        assertTrue(message(() -> new SamplingSettings(10.5f, 1f, 10, 1)).contains("(0, 10.0]"));
        assertTrue(message(() -> new SamplingSettings(1f, 0f, 10, 1)).contains("top_p=0.0 must be in (0, 1]"));
        assertTrue(message(() -> new SamplingSettings(1f, 1.01f, 10, 1)).contains("top_p=1.01"));
        assertTrue(message(() -> new SamplingSettings(1f, 1f, 0, 1)).contains("max_tokens=0 must be in [1, 1024]"));
        assertTrue(message(() -> new SamplingSettings(1f, 1f, 1025, 1)).contains("max_tokens=1025"));
        assertDoesNotThrow(() -> new SamplingSettings(SamplingSettings.MAX_TEMPERATURE, 1f, 1024, 1));
        assertEquals(12, SamplingSettings.defaults(3).withMaxTokens(12).maxTokens());
    }

    @Test
    void sftSettingsBoundStepsBatchLrAndWarmUpAgainstSteps() {
        String m = message(() -> new SftSettings(10, 2000, 2f, 10, 1, Double.NaN));
        assertTrue(m.contains("batch_size=2000 must be in [1, 1024]"), m);
        assertTrue(m.contains("lr=2.0 must be finite and in (0, 1.0]"), m);
        assertTrue(m.contains("warmup_steps=10 must be in [0, steps=10)"), m);
        assertTrue(m.contains("max_minutes is NaN"), m);
        assertTrue(message(() -> new SftSettings(0, 1, 1e-3f, 0, 1, 0)).contains("steps=0"));
        assertTrue(message(() -> new SftSettings(10, 1, Float.NaN, 0, 1, 0)).contains("lr=NaN"));
        assertTrue(message(() -> new SftSettings(SftSettings.MAX_STEPS + 1, 1, 1e-3f, 0, 1, 0))
                .contains("steps=10000001"));
        assertDoesNotThrow(() -> new SftSettings(1, SftSettings.MAX_BATCH_SIZE, SftSettings.MAX_LR, 0, 1, -1));
    }

    @Test
    void sftSettingsTakeAnAverageDecayOfZeroOrInsideTheUnitInterval() {
        for (float bad : new float[] {1f, -0.1f, 1.5f, Float.NaN}) {
            String m = message(() -> new SftSettings(10, 4, 1e-3f, 1, 1, 0, 8, 0, 16, bad, 0));
            assertTrue(m.contains("ema_decay=" + bad + " must be 0 (no average) or in (0, 1)"), m);
        }
        assertDoesNotThrow(() -> new SftSettings(10, 4, 1e-3f, 1, 1, 0, 8, 0, 16, 0f, 0));
        assertDoesNotThrow(() -> new SftSettings(10, 4, 1e-3f, 1, 1, 0, 8, 0, 16, 0.999f, 0));
    }

    @Test
    void sftSettingsTakeAShiftFromZeroToAQuarterOfTheImage() {
        for (int bad : new int[] {-1, SftSettings.MAX_SHIFT_PIXELS + 1}) {
            String m = message(() -> new SftSettings(10, 4, 1e-3f, 1, 1, 0, 8, 0, 16, 0f, bad));
            assertTrue(m.contains("shift_pixels=" + bad + " must be in [0, 16]"), m);
        }
        assertDoesNotThrow(() -> new SftSettings(10, 4, 1e-3f, 1, 1, 0, 8, 0, 16, 0f, 0));
        assertDoesNotThrow(() -> new SftSettings(10, 4, 1e-3f, 1, 1, 0, 8, 0, 16, 0f, SftSettings.MAX_SHIFT_PIXELS));
    }

    @Test
    void samplerRefusesGroupsOutsideItsBounds() {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            float[] image = new float[3 * 64 * 64];
            SamplingSettings s = SamplingSettings.defaults(1);
            assertTrue(message(() -> new Sampler().sample(p, image, 0, s)).contains("G=0 must be in [1, 1024]"));
            assertTrue(message(() -> new Sampler().sample(p, image, Sampler.MAX_GROUP_SIZE + 1, s))
                    .contains("G=1025"));
        }
    }
}
