package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Completions that share images (a GRPO batch) give what per-completion copies of the images give. */
class SharedImagesTest {

    private static final int[][] COMPLETIONS = {{7, 8, 9}, {7}, {9, 9}, {8, 7, 7, 9}, {7, 8}};
    /** Not in image order and not one run per image, so a wrong gather shows. */
    private static final int[] IMAGE_OF_ROW = {1, 0, 1, 2, 0};

    private static float[][] distinctImages() {
        float[][] images = new float[3][];
        for (int i = 0; i < images.length; i++) {
            images[i] = SyntheticScenes.generate(Split.IN_DOMAIN, 11L, i).pixelsChw();
        }
        return images;
    }

    private static float[][] copiesPerRow(float[][] distinct) {
        float[][] perRow = new float[IMAGE_OF_ROW.length][];
        for (int r = 0; r < perRow.length; r++) {
            perRow[r] = distinct[IMAGE_OF_ROW[r]];
        }
        return perRow;
    }

    @Test
    void logProbsAndEntropiesAreThoseOfCopiesPerCompletion() {
        float[][] distinct = distinctImages();
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 3);
                NDManager m = NDManager.newBaseManager()) {
            Policy.TokenLogProbs copies = policy.tokenLogProbsAndEntropy(m, copiesPerRow(distinct), COMPLETIONS, 0.7f);
            Policy.TokenLogProbs shared = policy.tokenLogProbsAndEntropy(m, distinct, IMAGE_OF_ROW, COMPLETIONS, 0.7f);
            assertArrayEquals(
                    copies.logProbs().toFloatArray(), shared.logProbs().toFloatArray(), 1e-5f);
            assertArrayEquals(copies.entropy().toFloatArray(), shared.entropy().toFloatArray(), 1e-5f);
            assertArrayEquals(
                    copies.logProbs().toFloatArray(),
                    policy.tokenLogProbs(m, distinct, IMAGE_OF_ROW, COMPLETIONS, 0.7f)
                            .toFloatArray(),
                    1e-5f);
        }
    }

    @Test
    void gradientsAreThoseOfCopiesPerCompletion() {
        float[][] distinct = distinctImages();
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 3);
                Policy other = policy.copy()) {
            List<float[]> viaCopies =
                    gradients(policy, m -> policy.tokenLogProbs(m, copiesPerRow(distinct), COMPLETIONS, 1f));
            List<float[]> viaShared =
                    gradients(other, m -> other.tokenLogProbs(m, distinct, IMAGE_OF_ROW, COMPLETIONS, 1f));
            double largest = 0;
            for (int i = 0; i < viaCopies.size(); i++) {
                float[] a = viaCopies.get(i);
                float[] b = viaShared.get(i);
                for (int j = 0; j < a.length; j++) {
                    assertEquals(a[j], b[j], 1e-5 + 1e-4 * Math.abs(a[j]), "parameter " + i + " entry " + j);
                    largest = Math.max(largest, Math.abs(a[j]));
                }
            }
            assertTrue(largest > 1e-3, "the loss reaches the weights: largest gradient " + largest);
        }
    }

    @Test
    void anIndexOutsideTheImagesOrOneIndexTooFewIsRefused() {
        float[][] distinct = distinctImages();
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 3);
                NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException outside = assertThrows(
                    IllegalArgumentException.class,
                    () -> policy.tokenLogProbs(m, distinct, new int[] {0, 1, 3, 0, 0}, COMPLETIONS, 1f));
            assertTrue(outside.getMessage().contains("completion 2 names image 3 of 3"), outside.getMessage());
            IllegalArgumentException tooFew = assertThrows(
                    IllegalArgumentException.class,
                    () -> policy.tokenLogProbs(m, distinct, new int[] {0, 1}, COMPLETIONS, 1f));
            assertTrue(tooFew.getMessage().contains("2 image indices for 5 completions"), tooFew.getMessage());
        }
    }

    private static List<float[]> gradients(Policy policy, java.util.function.Function<NDManager, NDArray> logProbs) {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(logProbs.apply(m).sum());
            for (NDArray p : policy.parameters()) {
                out.add(p.getGradient().toFloatArray());
            }
        }
        return out;
    }
}
