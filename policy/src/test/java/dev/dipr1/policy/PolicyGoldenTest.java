package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Golden values of the policy as it was before the issue-9 refactor, recorded from that code:
 * the same seeds must keep giving the same weights, samples, log-probs, losses and optimiser
 * state. Hashes and token ids must be equal; floating-point results to 1e-6.
 */
class PolicyGoldenTest {

    private static final long INIT_SEED = 20260;
    private static final int G = 4;

    private static Policy policy;
    private static float[] image;

    @BeforeAll
    static void setUp() {
        policy = Policy.initialise(PolicyConfig.defaults(), INIT_SEED);
        image = SyntheticScenes.generate(Split.IN_DOMAIN, 3L, 0).pixelsChw();
    }

    @AfterAll
    static void tearDown() {
        policy.close();
    }

    @Test
    void freshWeightsAndTheirCheckpointBytes() {
        assertEquals(GOLDEN_INIT_SHA, sha256(policy.toBytes()));
        try (Policy tiny = Policy.initialise(PolicyConfig.tiny(), INIT_SEED)) {
            assertEquals(GOLDEN_TINY_INIT_SHA, sha256(tiny.toBytes()));
        }
    }

    @Test
    void seededGroupSampleAndItsLogProbs() {
        float temperature = 0.8f;
        List<SampledCompletion> group =
                new Sampler().sample(policy, image, G, new SamplingSettings(temperature, 0.95f, 48, 77));
        int[][] tokens = group.stream().map(SampledCompletion::tokenIds).toArray(int[][]::new);
        assertEquals(GOLDEN_SAMPLE_TOKENS, Arrays.deepToString(tokens));
        double[] recorded = group.stream().mapToDouble(c -> sum(c.logProbs())).toArray();
        assertArrayEquals(GOLDEN_SAMPLE_LOGPROB_SUMS, recorded, 1e-6);
        float[][] teacherForced = policy.tokenLogProbsNoGrad(new float[][] {image}, tokens, temperature);
        double[] recomputed =
                Arrays.stream(teacherForced).mapToDouble(PolicyGoldenTest::sum).toArray();
        assertArrayEquals(GOLDEN_TEACHER_FORCED_SUMS, recomputed, 1e-6);
        List<SampledCompletion> recomputedPrefixes =
                new Sampler().sampleWithoutCache(policy, image, G, new SamplingSettings(temperature, 0.95f, 48, 77));
        assertEquals(
                GOLDEN_SAMPLE_TOKENS,
                Arrays.deepToString(recomputedPrefixes.stream()
                        .map(SampledCompletion::tokenIds)
                        .toArray()));
        List<String> greedy = new Sampler().greedy(policy, List.of(image));
        assertEquals(GOLDEN_GREEDY_TEXT, greedy.get(0));
    }

    @Test
    void seededSftStepsGiveTheSameLossesAndWeights() {
        try (Policy p = policy.copy();
                AdamW opt = AdamW.defaults()) {
            SftTrainer.Batch batch = SftTrainer.makeBatch(p.tokenizer(), new SftSettings(10, 4, 1e-3f, 1, 5L, 0), 0);
            double[] losses = new double[2];
            for (int i = 0; i < losses.length; i++) {
                losses[i] = SftTrainer.step(p, opt, batch, () -> 1e-3f);
            }
            assertArrayEquals(GOLDEN_SFT_LOSSES, losses, 1e-6);
            assertEquals(GOLDEN_GRAD_NORM, opt.lastGradNorm(), 1e-6);
            assertEquals(GOLDEN_AFTER_SFT_SHA, sha256(p.toBytes()));
        }
    }

    /** Two small hand-made parameters, two AdamW steps: the state bytes as the optimiser wrote them. */
    static byte[] smallAdamWState(AdamW opt) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {0.5f, -1f, 2f, 0.25f, 3f, -0.75f}, new Shape(2, 3));
            NDArray b = m.create(new float[] {0.1f, -0.2f, 0.3f}, new Shape(3));
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            for (int i = 0; i < 2; i++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = w.square().sum().add(b.mul(w.get(0)).sum().mul(3f));
                    gc.backward(loss);
                }
                opt.step(List.of(w, b), 0.01f);
            }
            return opt.stateBytes();
        }
    }

    /**
     * The optimiser's state bytes moved to {@link TensorCodec} (format {@code DIPR1ADAMW2}), so the
     * golden bytes, written by the old format, are checked by what they restore to: the same step
     * count and moments as two steps taken now.
     */
    @Test
    void optimiserStateOfTwoSmallStepsMatchesTheOldFormatsState() {
        try (AdamW now = AdamW.defaults();
                AdamW restored = AdamW.defaults()) {
            byte[] current = smallAdamWState(now);
            restored.restore(Base64.getDecoder().decode(GOLDEN_ADAMW_STATE));
            assertEquals(2, restored.steps());
            assertArrayEquals(current, restored.stateBytes());
        }
    }

    static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ recorded from commit 625ed97 (before the
    // refactor)

    private static final String GOLDEN_INIT_SHA = "3bbd385ac73a9f4a4669eed0b74770dde2b21a43f9c1ef96b85c8b8ee0461a76";
    private static final String GOLDEN_TINY_INIT_SHA =
            "820adcd92df7da76d86db687b556a04386a0e6bcd6288ad0cd40b835bc2a2f0c";
    private static final String GOLDEN_SAMPLE_TOKENS =
            "[[18, 71, 50, 22, 48, 5, 7, 69, 22, 56, 27, 69, 71, 42, 93, 79, 79, 71, 22, 67, 16, 75, 75, 79, 21, 50, 75, 64, 71, 79, 42, 79, 34, 42, 42, 50, 56, 65, 48, 18, 18, 64, 37, 56, 71, 59, 82, 18], [18, 47, 72, 37, 53, 47, 19, 33, 98, 77, 38, 66, 88, 86, 34, 2], [44, 50, 64, 30, 56, 75, 95, 86, 18, 55, 38, 2], [2]]";
    private static final double[] GOLDEN_SAMPLE_LOGPROB_SUMS = {
        -183.50627160072327, -70.65675067901611, -46.97247815132141, -4.42212438583374
    };
    private static final double[] GOLDEN_TEACHER_FORCED_SUMS = {
        -183.50627326965332, -70.65675163269043, -46.97247862815857, -4.42212438583374
    };
    private static final String GOLDEN_GREEDY_TEXT =
            " " + "right[43] right right right right[43]" + " right".repeat(85);
    private static final double[] GOLDEN_SFT_LOSSES = {5.033860683441162, 4.525683403015137};
    private static final double GOLDEN_GRAD_NORM = 5.7383051820467585;
    private static final String GOLDEN_AFTER_SFT_SHA =
            "53a12617f609a175dc9e538dc50db2b576ed8766d2090adc349275d375a8c101";
    /** {@code AdamW.stateBytes()} of {@link #smallAdamWState} in the old format {@code DIPR1ADAMW1}. */
    private static final String GOLDEN_ADAMW_STATE =
            "AAtESVBSMUFEQU1XMQAAAAAAAAACAAAAAgAAAAIAAAAAAAAAAgAAAAAAAAADphK3PKr4OL2kI6896rQMPJw81z0AGd"
                    + "a8AAAAAgAAAAAAAAACAAAAAAAAAAMQbOg33fjsOEhX1DnGT4k2DEsgOlevHjgAAAABAAAAAAAAAAOXVtU8NHpWvQIM1z0AAAABAAAAAAAAAAMsnx04HDgfOSQGIDo=";
}
