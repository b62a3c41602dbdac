package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeneratorSettingsTest {

    private static String problem(
            String id, int groupSize, float temperature, float topP, int maxTokens, int maxGroupsPerVersion) {
        return assertThrows(
                        IllegalArgumentException.class,
                        () -> new GeneratorSettings(
                                id, groupSize, temperature, topP, maxTokens, 1, maxGroupsPerVersion))
                .getMessage();
    }

    private static String problem(int groupSize, float temperature, float topP, int maxTokens) {
        return problem("gen", groupSize, temperature, topP, maxTokens, 0);
    }

    @Test
    void defaultsAreValidAndUseTheConstants() {
        GeneratorSettings d = GeneratorSettings.defaults("gen-1");
        assertEquals("gen-1", d.generatorId());
        assertEquals(GeneratorSettings.DEFAULT_GROUP_SIZE, d.groupSize());
        assertEquals(GeneratorSettings.DEFAULT_TEMPERATURE, d.temperature());
        assertEquals(GeneratorSettings.DEFAULT_TOP_P, d.topP());
        assertEquals(GeneratorSettings.DEFAULT_MAX_TOKENS, d.maxTokens());
        assertEquals(GeneratorSettings.DEFAULT_SEED, d.seed());
        assertEquals(GeneratorSettings.DEFAULT_MAX_GROUPS_PER_VERSION, d.maxGroupsPerVersion());
    }

    @Test
    void theBoundsThemselvesAreAccepted() {
        assertDoesNotThrow(() -> new GeneratorSettings("g", 2, Float.MIN_VALUE, Float.MIN_VALUE, 1, Long.MIN_VALUE, 0));
        assertDoesNotThrow(() -> new GeneratorSettings(
                "g",
                GeneratorSettings.MAX_GROUP_SIZE,
                GeneratorSettings.MAX_TEMPERATURE,
                1f,
                GeneratorSettings.MAX_MAX_TOKENS,
                Long.MAX_VALUE,
                Integer.MAX_VALUE));
    }

    @Test
    void theCumulativeBoundNeedsAShareAndReplacesThePerVersionOne() {
        GeneratorSettings perVersion = new GeneratorSettings("g", 8, 1f, 1f, 16, 1, 16);
        GeneratorSettings lead = perVersion.withLead(2, 8);
        assertEquals(2, lead.leadVersions());
        assertEquals(8, lead.versionShare());
        assertEquals(0, lead.maxGroupsPerVersion(), "one bound at a time");
        assertEquals(16, perVersion.withLead(0, 0).maxGroupsPerVersion(), "lead 0 leaves the per-version bound");
        String m = assertThrows(IllegalArgumentException.class, () -> perVersion.withLead(2, 0))
                .getMessage();
        assertTrue(m.contains("--version-share"), m);
        String both = assertThrows(
                        IllegalArgumentException.class,
                        () -> new GeneratorSettings("g", 8, 1f, 1f, 16, 1, 16, null, 10, 2, 8, 1))
                .getMessage();
        assertTrue(both.contains("--lead-versions") && both.contains("--max-groups-per-version"), both);
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> new GeneratorSettings("g", 8, 1f, 1f, 16, 1, 0, null, 10, -1, 8, 1))
                .getMessage()
                .contains("--lead-versions"));
    }

    @Test
    void aBatchOfPromptsMustFitTheSampler() {
        GeneratorSettings s = new GeneratorSettings("g", 64, 1f, 1f, 16, 1, 0);
        assertEquals(16, s.withPromptsPerBatch(16).promptsPerBatch(), "16 x 64 = 1024 rows");
        String m = assertThrows(IllegalArgumentException.class, () -> s.withPromptsPerBatch(17))
                .getMessage();
        assertTrue(m.contains("--prompts-per-batch"), m);
        assertThrows(IllegalArgumentException.class, () -> s.withPromptsPerBatch(0));
    }

    @Test
    void aGroupOfOneHasNothingToCompare() {
        String m = problem(1, 1f, 1f, 16);
        assertTrue(m.contains("--group-size") && m.contains("was 1"), m);
        assertTrue(problem(0, 1f, 1f, 16).contains("--group-size"));
    }

    @Test
    void groupsLargerThanTheRewardStreamTakesAreRejected() {
        String m = problem(GeneratorSettings.MAX_GROUP_SIZE + 1, 1f, 1f, 16);
        assertTrue(m.contains("--group-size") && m.contains("65"), m);
    }

    @Test
    void temperatureMustBePositiveFiniteAndAtMostTen() {
        for (float t : new float[] {0f, -0.5f, Float.NaN, Float.POSITIVE_INFINITY, 10.01f}) {
            String m = problem(8, t, 1f, 16);
            assertTrue(m.contains("--temperature"), t + ": " + m);
        }
    }

    @Test
    void topPMustBeInZeroToOne() {
        for (float p : new float[] {0f, -0.1f, 1.0001f, Float.NaN}) {
            String m = problem(8, 1f, p, 16);
            assertTrue(m.contains("--top-p"), p + ": " + m);
        }
    }

    @Test
    void maxTokensIsBounded() {
        assertTrue(problem(8, 1f, 1f, 0).contains("--max-tokens"));
        assertTrue(problem(8, 1f, 1f, GeneratorSettings.MAX_MAX_TOKENS + 1).contains("--max-tokens"));
    }

    @Test
    void theGeneratorIdAndGroupsPerVersionAreChecked() {
        assertTrue(problem(" ", 8, 1f, 1f, 16, 0).contains("generator id"));
        assertTrue(problem(null, 8, 1f, 1f, 16, 0).contains("generator id"));
        assertTrue(problem("g", 8, 1f, 1f, 16, -1).contains("--max-groups-per-version"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String m = problem("", 1, 0f, 2f, 0, -1);
        for (String option : new String[] {
            "generator id", "--group-size", "--temperature", "--top-p", "--max-tokens", "--max-groups-per-version"
        }) {
            assertTrue(m.contains(option), option + " missing from: " + m);
        }
        assertFalse(problem(8, 0f, 1f, 16).contains("--group-size"), "valid fields are not blamed");
    }

    @Test
    void policyIntakeDefaultsToTheLearnersDirectoryAndAMillionVersions() {
        GeneratorSettings d = GeneratorSettings.defaults("gen-1");
        assertEquals(java.nio.file.Path.of("policies"), d.weightsDir());
        assertEquals(GeneratorSettings.DEFAULT_MAX_VERSION_JUMP, d.maxVersionJump());
        assertEquals(null, d.withWeightsDir(null).weightsDir(), "null: inline updates only");
        assertEquals(7, d.withMaxVersionJump(7).maxVersionJump());
    }

    @Test
    void aVersionJumpBelowOneIsRejected() {
        String m = assertThrows(
                        IllegalArgumentException.class,
                        () -> GeneratorSettings.defaults("g").withMaxVersionJump(0))
                .getMessage();
        assertTrue(m.contains("version jump"), m);
    }
}
