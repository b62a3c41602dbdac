package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.AdamW;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One GRPO step on a tiny real policy with a seeded initialisation. */
class GrpoStepTest {

    private static final float LR = 1e-3f;
    private static final GrpoLoss.Settings NO_KL = new GrpoLoss.Settings(0.2f, 0f);

    @BeforeAll
    static void djl() {
        DjlEnvironment.init();
    }

    @Test
    void zeroAdvantagesWithoutKlGiveZeroPolicyLossAndNoGradient() {
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 5);
                Policy ref = Policy.initialise(PolicyConfig.tiny(), 6);
                AdamW opt = AdamW.defaults()) {
            BatchTensors b = onPolicyBatch(policy, new float[] {0f, 0f});
            GrpoStep.Result r = new GrpoStep(policy, ref, opt, 1, LR, NO_KL).apply(b);
            assertEquals(0.0, r.policyLoss(), 1e-7);
            assertEquals(0.0, r.gradNorm(), 1e-7);
            assertTrue(r.kl() > 0, "the KL is measured even when it does not weigh: " + r.kl());
            assertTrue(r.finite());
        }
    }

    @Test
    void positiveAdvantageRaisesTheSequenceLogProbNegativeLowersIt() {
        for (float advantage : new float[] {1f, -1f}) {
            try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 5);
                    Policy ref = policy.copy();
                    AdamW opt = AdamW.defaults()) {
                BatchTensors b = onPolicyBatch(policy, new float[] {advantage});
                double before = sequenceLogProb(policy, b);
                new GrpoStep(policy, ref, opt, 1, LR, GrpoLoss.Settings.defaults()).apply(b);
                double after = sequenceLogProb(policy, b);
                assertTrue(
                        advantage > 0 ? after > before : after < before,
                        "advantage " + advantage + ": log-prob " + before + " -> " + after);
            }
        }
    }

    @Test
    void firstIterationOnPolicyHasRatioOneAndNoKlToAnIdenticalReference() {
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 5);
                Policy ref = policy.copy();
                AdamW opt = AdamW.defaults()) {
            GrpoStep.Result r = new GrpoStep(policy, ref, opt, 1, LR, GrpoLoss.Settings.defaults())
                    .apply(onPolicyBatch(policy, new float[] {1f}));
            assertEquals(-1.0, r.policyLoss(), 1e-5, "ratio 1: loss = -A");
            assertEquals(0.0, r.kl(), 1e-6);
            assertEquals(0.0, r.clipRatio(), 0.0);
        }
    }

    @Test
    void theEntropyIsTheMeanOverRealTokensOfThePolicyBeforeTheUpdate() {
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 5);
                Policy ref = policy.copy();
                AdamW opt = AdamW.defaults()) {
            BatchTensors b = onPolicyBatch(policy, new float[] {1f, -1f});
            double expected;
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                float[] h = policy.tokenLogProbsAndEntropy(m, b.images(), b.imageOfRow(), b.tokens(), b.temperature())
                        .entropy()
                        .toFloatArray();
                // rows of 2 and 3 tokens in [2, 3]: the padded position of row 0 does not count
                expected = (h[0] + h[1] + h[3] + h[4] + h[5]) / 5.0;
                assertEquals(0f, h[2]);
            }
            GrpoStep.Result r = new GrpoStep(policy, ref, opt, 1, LR, GrpoLoss.Settings.defaults()).apply(b);
            assertEquals(expected, r.entropy(), 1e-5);
            assertTrue(
                    r.entropy() > 0
                            && r.entropy() <= Math.log(policy.tokenizer().vocabSize()),
                    "" + r.entropy());
        }
    }

    @Test
    void innerIterationsTakeMuUpdatesAndReportTheLast() {
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 5);
                Policy ref = policy.copy();
                AdamW opt = AdamW.defaults()) {
            float[] refWeights = weights(ref);
            GrpoStep.Result r =
                    new GrpoStep(policy, ref, opt, 3, LR, NO_KL).apply(onPolicyBatch(policy, new float[] {1f}));
            assertEquals(3, opt.steps());
            // after earlier updates raised the sequence, ratio > 1: the surrogate beats -A
            assertTrue(r.policyLoss() < -1.0, "last iteration's loss " + r.policyLoss());
            assertArrayEquals(refWeights, weights(ref), 0f, "the reference policy stays frozen");
        }
    }

    @Test
    void noIterationsOrNoRowsAreRefused() {
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 5);
                AdamW opt = AdamW.defaults()) {
            assertThrows(IllegalArgumentException.class, () -> new GrpoStep(policy, policy, opt, 0, LR, NO_KL));
            BatchTensors empty = new BatchTensors(
                    new float[0][], new int[0], new int[0][], new float[0][], new float[0], new int[0], 1f, 0);
            assertThrows(
                    IllegalArgumentException.class, () -> new GrpoStep(policy, policy, opt, 1, LR, NO_KL).apply(empty));
            assertEquals(0, opt.steps());
        }
    }

    /** Two short completions of one blank image whose behaviour log-probs are the policy's own. */
    private static BatchTensors onPolicyBatch(Policy policy, float[] advantages) {
        int think = policy.tokenizer().idOf("<think>");
        int[][] all = {
            {think, policy.tokenizer().countToken(3)},
            {think, think, policy.tokenizer().countToken(1)}
        };
        int[][] tokens = Arrays.copyOf(all, advantages.length);
        float[][] images = new float[tokens.length][];
        Arrays.fill(images, new float[3 * 64 * 64]);
        float[][] old = policy.tokenLogProbsNoGrad(images, tokens, 1f);
        int[] lengths = Arrays.stream(tokens).mapToInt(t -> t.length).toArray();
        return new BatchTensors(
                images,
                java.util.stream.IntStream.range(0, tokens.length).toArray(),
                tokens,
                old,
                advantages,
                lengths,
                1f,
                Arrays.stream(lengths).max().orElse(0));
    }

    private static double sequenceLogProb(Policy policy, BatchTensors b) {
        float[][] lp = policy.tokenLogProbsNoGrad(b.images(), b.tokens(), b.temperature());
        double sum = 0;
        for (float v : lp[0]) {
            sum += v;
        }
        return sum;
    }

    private static float[] weights(Policy p) {
        return p.parameters().stream().map(a -> a.toFloatArray()).reduce(new float[0], (x, y) -> {
            float[] out = Arrays.copyOf(x, x.length + y.length);
            System.arraycopy(y, 0, out, x.length, y.length);
            return out;
        });
    }
}
