package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.dipr1.policy.AdamW;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GrpoLossTest {

    private static final GrpoLoss.Settings S = GrpoLoss.Settings.defaults();

    @BeforeAll
    static void djl() {
        DjlEnvironment.init();
    }

    @Test
    void onPolicyLossIsMinusTheTokenWeightedMeanAdvantageAndKlIsZero() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = m.create(new float[] {-1f, -2f, -0.5f, -3f}, new Shape(2, 2));
            NDArray adv = m.create(new float[] {1f, -0.5f});
            NDArray mask = GrpoLoss.mask(m, new int[] {2, 1}, 2);
            GrpoLoss.Output out = GrpoLoss.compute(logp, logp, logp, adv, mask, S);
            // tokens: two with A=1, one with A=-0.5 -> -(1 + 1 - 0.5) / 3
            assertEquals(-0.5, out.loss().getFloat(), 1e-6);
            assertEquals(0.0, out.kl().getFloat(), 1e-7);
            assertEquals(0.0, out.clipFraction().getFloat(), 1e-7);
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random rnd = new Random(3);
        int n = 3;
        int t = 4;
        double[] logp = new double[n * t];
        double[] old = new double[n * t];
        double[] ref = new double[n * t];
        for (int i = 0; i < logp.length; i++) {
            logp[i] = -0.2 - rnd.nextDouble() * 2;
            old[i] = logp[i] + (rnd.nextDouble() - 0.5) * 0.6; // some ratios outside [0.8, 1.2]
            ref[i] = logp[i] + (rnd.nextDouble() - 0.5);
        }
        double[] adv = {1.3, -0.7, 0.4};
        int[] lengths = {4, 2, 3};
        double[] analytic;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(logp, new Shape(n, t));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = lossAt(m, x, old, ref, adv, lengths, n, t);
                gc.backward(loss);
            }
            analytic = x.getGradient().toDoubleArray();
        }
        double h = 1e-6;
        for (int i = 0; i < logp.length; i++) {
            double[] plus = logp.clone();
            double[] minus = logp.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric;
            try (NDManager m = NDManager.newBaseManager()) {
                numeric = (lossAt(m, m.create(plus, new Shape(n, t)), old, ref, adv, lengths, n, t)
                                        .getDouble()
                                - lossAt(m, m.create(minus, new Shape(n, t)), old, ref, adv, lengths, n, t)
                                        .getDouble())
                        / (2 * h);
            }
            assertEquals(numeric, analytic[i], 1e-6, "d loss / d logp[" + i + "]");
        }
        // Padding gets no gradient.
        assertEquals(0.0, analytic[1 * t + 3], 0.0);
    }

    @Test
    void clippedRatioStopsTheGradientOfAPositiveAdvantage() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {0.0f}, new Shape(1, 1));
            x.setRequiresGradient(true);
            NDArray old = m.create(new float[] {-1.0f}, new Shape(1, 1)); // ratio e = 2.7 > 1.2
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                GrpoLoss.Output out = GrpoLoss.compute(
                        x,
                        old,
                        x.stopGradient(),
                        m.create(new float[] {1f}),
                        GrpoLoss.mask(m, new int[] {1}, 1),
                        new GrpoLoss.Settings(0.2f, 0f));
                gc.backward(out.loss());
                assertEquals(1.0, out.clipFraction().getFloat(), 1e-6);
            }
            assertEquals(0.0, x.getGradient().getFloat(), 1e-7);
        }
    }

    @Test
    void emptyMaskGivesZeroLossNotNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logp = m.create(new float[] {-1f, -2f}, new Shape(1, 2));
            GrpoLoss.Output out = GrpoLoss.compute(
                    logp, logp, logp, m.create(new float[] {1f}), GrpoLoss.mask(m, new int[] {0}, 2), S);
            assertEquals(0.0, out.loss().getFloat(), 0.0);
        }
    }

    @Test
    void positiveAdvantageRaisesAndNegativeLowersTheSampledTokensProbability() {
        for (float advantage : new float[] {1f, -1f}) {
            try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 5);
                    AdamW opt = AdamW.defaults()) {
                float[][] images = {new float[3 * 64 * 64]};
                int[][] tokens = {
                    {policy.tokenizer().idOf("<think>"), policy.tokenizer().countToken(3)}
                };
                double before = sumLogProb(policy, images, tokens);
                try (NDManager m = NDManager.newBaseManager()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray logp = policy.tokenLogProbs(m, images, tokens, 1f);
                        NDArray old = logp.stopGradient();
                        GrpoLoss.Output out = GrpoLoss.compute(
                                logp,
                                old,
                                old,
                                m.create(new float[] {advantage}),
                                GrpoLoss.mask(m, new int[] {2}, 2),
                                S);
                        gc.backward(out.loss());
                    }
                    opt.step(policy.parameters(), 1e-3f);
                }
                double after = sumLogProb(policy, images, tokens);
                assertTrue(
                        advantage > 0 ? after > before : after < before,
                        "advantage " + advantage + ": log-prob " + before + " -> " + after);
            }
        }
    }

    private static double sumLogProb(Policy p, float[][] images, int[][] tokens) {
        try (NDManager m = NDManager.newBaseManager()) {
            return p.tokenLogProbs(m, images, tokens, 1f).sum().getFloat();
        }
    }

    private static NDArray lossAt(
            NDManager m, NDArray x, double[] old, double[] ref, double[] adv, int[] lengths, int n, int t) {
        NDArray mask = GrpoLoss.mask(m, lengths, t).toType(DataType.FLOAT64, false);
        return GrpoLoss.compute(
                        x, m.create(old, new Shape(n, t)), m.create(ref, new Shape(n, t)), m.create(adv), mask, S)
                .loss();
    }
}
