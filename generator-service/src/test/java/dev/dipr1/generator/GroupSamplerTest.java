package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.PromptTask;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sampling one group with a real (tiny, untrained) policy: the seed decides the samples. */
class GroupSamplerTest {

    private static final GeneratorSettings SETTINGS = new GeneratorSettings("gen-a", 4, 1f, 1f, 24, 11, 0);

    private static Policy policy;
    private static Scene scene;

    @BeforeAll
    static void setUp() {
        policy = Policy.initialise(PolicyConfig.tiny(), 3);
        scene = SyntheticScenes.generate(Split.TRAIN, 5L, 0);
    }

    @AfterAll
    static void tearDown() {
        policy.close();
    }

    private static PromptTask task(String sampleId, int epoch) {
        return PromptTask.newBuilder()
                .setSampleId(sampleId)
                .setDataset("synthetic")
                .setSplit("train")
                .setEpoch(epoch)
                .setImageUri("inline:" + sampleId + ".png")
                .setWidth(scene.width())
                .setHeight(scene.height())
                .setQuestion("q")
                .setCreatedAtMs(Instant.EPOCH)
                .build();
    }

    @Test
    void theSeedIsTheSplitMixOfBaseSeedGroupIdAndVersion() {
        GroupSampler sampler = new GroupSampler(SETTINGS);
        // The derivation as of 625ed97 (mix(seed, groupId.hashCode(), version)); changing it changes every sample.
        assertEquals(-4_310_637_912_462_538_711L, sampler.seed(task("train-000042", 3), 7));
    }

    @Test
    void theSeedChangesWithEpochVersionAndBaseSeedButNotWithTheGenerator() {
        GroupSampler a = new GroupSampler(SETTINGS);
        long s = a.seed(task("s1", 0), 0);
        assertNotEquals(s, a.seed(task("s1", 1), 0), "another epoch");
        assertNotEquals(s, a.seed(task("s2", 0), 0), "another sample");
        assertNotEquals(s, a.seed(task("s1", 0), 1), "another policy version");
        assertNotEquals(
                s, new GroupSampler(new GeneratorSettings("gen-a", 4, 1f, 1f, 24, 12, 0)).seed(task("s1", 0), 0));
        assertEquals(
                s,
                new GroupSampler(new GeneratorSettings("gen-b", 2, 0.5f, 0.9f, 8, 11, 3)).seed(task("s1", 0), 0),
                "only the base seed of the settings goes in");
    }

    @Test
    void aRedonePromptGetsTheSameSamples() {
        RolloutGroups.Sampled first = new GroupSampler(SETTINGS).sample(policy, task("s1", 0), scene.image());
        RolloutGroups.Sampled redo = new GroupSampler(SETTINGS).sample(policy, task("s1", 0), scene.image());

        assertEquals(first.seed(), redo.seed());
        assertEquals(SETTINGS.groupSize(), first.completions().size());
        for (int i = 0; i < first.completions().size(); i++) {
            assertArrayEquals(
                    first.completions().get(i).tokenIds(),
                    redo.completions().get(i).tokenIds());
            assertArrayEquals(
                    first.completions().get(i).logProbs(),
                    redo.completions().get(i).logProbs());
        }
        assertArrayEquals(policy.tokenizer().promptIds(), first.promptIds());
        assertEquals(policy.version(), first.policyVersion());
        assertTrue(first.generationNs() > 0);
    }

    @Test
    void anotherEpochSamplesDifferently() {
        List<SampledCompletion> e0 = new GroupSampler(SETTINGS)
                .sample(policy, task("s1", 0), scene.image())
                .completions();
        List<SampledCompletion> e1 = new GroupSampler(SETTINGS)
                .sample(policy, task("s1", 1), scene.image())
                .completions();
        boolean allSame = true;
        for (int i = 0; i < e0.size(); i++) {
            allSame &= Arrays.equals(e0.get(i).tokenIds(), e1.get(i).tokenIds());
        }
        assertFalse(allSame);
    }

    @Test
    void completionsRespectMaxTokens() {
        GeneratorSettings short4 = new GeneratorSettings("gen-a", 3, 1f, 1f, 4, 11, 0);
        RolloutGroups.Sampled s = new GroupSampler(short4).sample(policy, task("s1", 0), scene.image());
        assertEquals(3, s.completions().size());
        assertTrue(s.completions().stream().allMatch(c -> c.tokenIds().length <= 4));
    }
}
