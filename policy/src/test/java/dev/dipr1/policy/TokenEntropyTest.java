package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenEntropyTest {

    private static Policy policy;
    private static float[][] image;

    @BeforeAll
    static void setUp() {
        policy = Policy.initialise(PolicyConfig.tiny(), 9);
        image = new float[][] {SyntheticScenes.generate(Split.IN_DOMAIN, 4L, 0).pixelsChw()};
    }

    @AfterAll
    static void tearDown() {
        policy.close();
    }

    /** −Σ p log p at the position after {@code prefix}, from the log-prob of every vocabulary entry there. */
    private static double entropyByEnumeration(int[] prefix, float temperature) {
        int vocab = policy.tokenizer().vocabSize();
        int[][] all = new int[vocab][];
        for (int v = 0; v < vocab; v++) {
            all[v] = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            all[v][prefix.length] = v;
        }
        float[][] lp = policy.tokenLogProbsNoGrad(image, all, temperature);
        double h = 0;
        for (int v = 0; v < vocab; v++) {
            double l = lp[v][prefix.length];
            h -= Math.exp(l) * l;
        }
        return h;
    }

    @Test
    void entropyIsThatOfTheTemperatureScaledNextTokenDistribution() {
        int[][] completions = {{7, 8, 9}, {7}};
        for (float temperature : new float[] {0.5f, 1f, 2f}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Policy.TokenLogProbs out = policy.tokenLogProbsAndEntropy(m, image, completions, temperature);
                float[] h = out.entropy().toFloatArray();
                assertEquals(6, h.length, "[2, T = 3]");
                assertEquals(entropyByEnumeration(new int[] {}, temperature), h[0], 1e-4);
                assertEquals(entropyByEnumeration(new int[] {7, 8}, temperature), h[2], 1e-4);
                assertEquals(entropyByEnumeration(new int[] {}, temperature), h[3], 1e-4, "same prefix, same entropy");
                assertEquals(0f, h[4], "padding has no entropy");
                assertEquals(0f, h[5]);
                assertArrayEquals(
                        policy.tokenLogProbs(m, image, completions, temperature).toFloatArray(),
                        out.logProbs().toFloatArray(),
                        1e-6f);
            }
        }
    }

    @Test
    void aHotterDistributionHasMoreEntropyAndAtMostLogV() {
        int[][] one = {{7}};
        try (NDManager m = NDManager.newBaseManager()) {
            float cold = policy.tokenLogProbsAndEntropy(m, image, one, 0.3f)
                    .entropy()
                    .getFloat(0, 0);
            float hot =
                    policy.tokenLogProbsAndEntropy(m, image, one, 5f).entropy().getFloat(0, 0);
            assertTrue(cold < hot, cold + " < " + hot);
            assertTrue(hot <= Math.log(policy.tokenizer().vocabSize()) + 1e-5);
        }
    }
}
