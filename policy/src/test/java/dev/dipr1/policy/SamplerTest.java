package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static Policy policy;
    private static float[] image;
    private final Sampler sampler = new Sampler();

    @BeforeAll
    static void setUp() {
        policy = Policy.initialise(PolicyConfig.tiny(), 5);
        image = SyntheticScenes.generate(Split.IN_DOMAIN, 1L, 0).pixelsChw();
    }

    @AfterAll
    static void tearDown() {
        policy.close();
    }

    @Test
    void cachedAndUncachedSamplesAreIdentical() {
        SamplingSettings s = new SamplingSettings(1f, 1f, 40, 17);
        List<SampledCompletion> a = sampler.sample(policy, image, 4, s);
        List<SampledCompletion> b = sampler.sampleWithoutCache(policy, image, 4, s);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(a.get(i).tokenIds(), b.get(i).tokenIds());
            assertArrayEquals(a.get(i).logProbs(), b.get(i).logProbs(), 1e-4f);
            assertEquals(a.get(i).text(), b.get(i).text());
        }
    }

    @Test
    void severalPromptsInOneBatchSampleWhatEachWouldAlone() {
        List<float[]> images = List.of(
                image,
                SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0).pixelsChw(),
                SyntheticScenes.generate(Split.OOD, 3L, 0).pixelsChw());
        List<SamplingSettings> settings = List.of(
                new SamplingSettings(0.8f, 1f, 40, 5),
                new SamplingSettings(0.8f, 1f, 40, 6),
                new SamplingSettings(0.8f, 1f, 40, 7));

        List<List<SampledCompletion>> batched = sampler.sampleGroups(policy, images, 4, settings);
        // the same prompts, batched in another order and company, and alone
        List<List<SampledCompletion>> reordered = sampler.sampleGroups(
                policy, List.of(images.get(2), images.get(0)), 4, List.of(settings.get(2), settings.get(0)));

        assertEquals(3, batched.size());
        for (int p = 0; p < 3; p++) {
            List<SampledCompletion> alone = sampler.sample(policy, images.get(p), 4, settings.get(p));
            assertEquals(4, batched.get(p).size());
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(
                        alone.get(i).tokenIds(), batched.get(p).get(i).tokenIds(), "prompt " + p + " row " + i);
                assertArrayEquals(alone.get(i).logProbs(), batched.get(p).get(i).logProbs(), 1e-4f);
            }
        }
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(
                    batched.get(2).get(i).tokenIds(), reordered.get(0).get(i).tokenIds());
            assertArrayEquals(
                    batched.get(0).get(i).tokenIds(), reordered.get(1).get(i).tokenIds());
        }
        // different images and seeds give different groups
        assertFalse(java.util.Arrays.equals(
                batched.get(0).get(0).tokenIds(), batched.get(1).get(0).tokenIds()));
    }

    @Test
    void promptsOfOneBatchMustShareTheirSamplingSettings() {
        List<SamplingSettings> mixed =
                List.of(new SamplingSettings(0.8f, 1f, 40, 5), new SamplingSettings(1f, 1f, 40, 6));
        assertThrows(
                IllegalArgumentException.class, () -> sampler.sampleGroups(policy, List.of(image, image), 2, mixed));
        assertThrows(
                IllegalArgumentException.class,
                () -> sampler.sampleGroups(policy, List.of(image, image), 2, mixed.subList(0, 1)));
    }

    @Test
    void theSeedDecidesTheSamples() {
        SamplingSettings s = new SamplingSettings(1f, 0.9f, 30, 99);
        List<SampledCompletion> a = sampler.sample(policy, image, 3, s);
        List<SampledCompletion> b = sampler.sample(policy, image, 3, s);
        List<SampledCompletion> c = sampler.sample(policy, image, 3, new SamplingSettings(1f, 0.9f, 30, 100));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.get(i).tokenIds(), b.get(i).tokenIds());
        }
        assertFalse(java.util.Arrays.equals(a.get(0).tokenIds(), c.get(0).tokenIds()));
        // rows of one call differ from each other
        assertFalse(java.util.Arrays.equals(a.get(0).tokenIds(), a.get(1).tokenIds()));
    }

    @Test
    void recordedLogProbsEqualTeacherForcedLogProbs() {
        float temperature = 0.7f;
        List<SampledCompletion> out = sampler.sample(policy, image, 4, new SamplingSettings(temperature, 0.95f, 50, 3));
        int[][] tokens = out.stream().map(SampledCompletion::tokenIds).toArray(int[][]::new);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] lp = policy.tokenLogProbs(m, new float[][] {image}, tokens, temperature)
                    .toFloatArray();
            int tMax = lp.length / 4;
            for (int i = 0; i < 4; i++) {
                float[] rec = out.get(i).logProbs();
                assertEquals(tokens[i].length, rec.length);
                for (int t = 0; t < tMax; t++) {
                    float expected = t < rec.length ? rec[t] : 0f;
                    assertEquals(expected, lp[i * tMax + t], 1e-4f, "row " + i + " token " + t);
                }
            }
        }
    }

    @Test
    void lengthLimitAndEosEndSamples() {
        List<SampledCompletion> out = sampler.sample(policy, image, 3, new SamplingSettings(1f, 1f, 5, 1));
        for (SampledCompletion c : out) {
            assertTrue(c.tokenIds().length <= 5);
            if (c.finishReason() == FinishReason.EOS) {
                assertEquals(Tokenizer.EOS, c.tokenIds()[c.tokenIds().length - 1]);
            } else {
                assertEquals(5, c.tokenIds().length);
            }
            assertEquals(policy.tokenizer().decode(c.tokenIds()), c.text());
        }
    }

    @Test
    void greedyIsBatchIndependent() {
        float[] other = SyntheticScenes.generate(Split.IN_DOMAIN, 1L, 1).pixelsChw();
        List<String> batch = sampler.greedy(policy, List.of(image, other));
        assertEquals(batch.get(0), sampler.greedy(policy, List.of(image)).get(0));
        assertEquals(batch.get(1), sampler.greedy(policy, List.of(other)).get(0));
    }

    @Test
    void decodingDoesNotLeakArrays() {
        SamplingSettings s = new SamplingSettings(1f, 1f, 60, 8);
        sampler.sample(policy, image, 2, s);
        int before = policy.liveArrays();
        for (int i = 0; i < 10; i++) {
            sampler.sample(policy, image, 2, s);
            sampler.sampleWithoutCache(policy, image, 2, new SamplingSettings(1f, 1f, 10, i));
        }
        sampler.greedy(policy, List.of(image, image));
        assertEquals(before, policy.liveArrays());
    }
}
