package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SftTrainerTest {

    /** Steps on one fixed batch of 8 training scenes; returns the losses. */
    static List<Double> trainSteps(Policy p, AdamW opt, int steps) {
        SftTrainer.Batch batch = SftTrainer.makeBatch(p.tokenizer(), new SftSettings(10, 8, 1e-3f, 1, 4L, 0), 0);
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            losses.add(SftTrainer.step(p, opt, batch, () -> 3e-3f));
        }
        return losses;
    }

    @Test
    void stepsOnAFixedBatchLowerTheLossWithoutLeaking() {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 9);
                AdamW opt = AdamW.defaults()) {
            int before = p.liveArrays();
            List<Double> losses = trainSteps(p, opt, 25);
            assertTrue(losses.get(24) < 0.7 * losses.get(0), losses.toString());
            assertEquals(before, p.liveArrays());
            assertTrue(opt.lastGradNorm() > 0);
        }
    }

    @Test
    void replicasTakeTheStepsOneModelTakes() {
        try (Policy one = Policy.initialise(PolicyConfig.tiny(), 9);
                Policy split = one.copy();
                AdamW optOne = AdamW.defaults();
                AdamW optSplit = AdamW.defaults();
                SftReplicas replicas = new SftReplicas(split, 3)) {
            // 7 scenes over 3 replicas: shares of 2, 2 and 3
            SftTrainer.Batch batch = SftTrainer.makeBatch(one.tokenizer(), new SftSettings(10, 7, 1e-3f, 1, 4L, 0), 0);
            int before = split.liveArrays();
            for (int step = 0; step < 4; step++) {
                double expected = SftTrainer.step(one, optOne, batch, () -> 3e-3f);
                double actual = replicas.step(optSplit, batch, () -> 3e-3f);
                // a replica left on old weights, or a share weighted by its own tokens, is off by far more
                assertEquals(expected, actual, 1e-5 * expected, "loss at step " + step);
            }
            assertEquals(optOne.lastGradNorm(), optSplit.lastGradNorm(), 1e-4 * optOne.lastGradNorm());
            assertEquals(before, split.liveArrays(), "no arrays leak");
        }
    }

    @Test
    void trainerRunsAndReportsProgress() {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 9)) {
            List<Integer> seen = new ArrayList<>();
            SftTrainer.Result r = SftTrainer.train(
                    p, new SftSettings(6, 4, 1e-3f, 2, 1L, 1.0), (step, loss, elapsed) -> seen.add(step));
            assertEquals(6, r.losses().size());
            assertEquals(List.of(0, 1, 2, 3, 4, 5), seen);
            assertEquals(List.of(), r.validations(), "validation is off");
            assertEquals(6, r.keptStep());
        }
    }

    @Test
    void validationKeepsTheBestValidatedWeights() {
        // lr 0.05 makes the tiny model's validation F1 move from one check to the next
        SftSettings s = new SftSettings(12, 4, 0.05f, 1, 3L, 0, 8, 3, 16, 0f, 0);
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 9)) {
            SftTrainer.Result r = SftTrainer.train(p, s, null);
            assertEquals(
                    List.of(3, 6, 9, 12),
                    r.validations().stream().map(SftTrainer.Validation::step).toList());
            SftTrainer.Validation best = r.validations().stream()
                    .max(java.util.Comparator.comparingDouble(SftTrainer.Validation::f1))
                    .orElseThrow();
            assertEquals(best.step(), r.keptStep(), "the first best validation is kept");
            EvalResult again = Evaluator.evaluate(p, SftTrainer.validationScenes(s), "validation")
                    .result();
            assertEquals(best.f1(), again.f1(), 1e-12, "the policy holds the kept step's weights");
        }
    }

    @Test
    void anAverageOfTheWeightsIsKeptWithoutChangingHowTheyTrain() {
        SftSettings plain = new SftSettings(8, 4, 3e-3f, 1, 3L, 0, 8, 0, 16, 0f, 0);
        SftSettings averaged = new SftSettings(8, 4, 3e-3f, 1, 3L, 0, 8, 0, 16, 0.5f, 0);
        try (Policy a = Policy.initialise(PolicyConfig.tiny(), 9);
                Policy b = Policy.initialise(PolicyConfig.tiny(), 9);
                WeightAverage expected = new WeightAverage(a, 0.5f)) {
            SftTrainer.Result ra = SftTrainer.train(a, plain, (step, loss, elapsed) -> expected.update(a));
            SftTrainer.Result rb = SftTrainer.train(b, averaged, null);
            assertEquals(ra.losses(), rb.losses(), "the same steps, loss for loss");
            assertEquals(8, rb.keptStep());
            assertSameWeights(expected.policy(), b, "the run ends holding the average of its 8 steps");
            assertTrue(maxDifference(a, b) > 1e-4, "which is not the last trained weights");
        }
    }

    @Test
    void withAnAverageTheValidatedAverageIsKept() {
        // at this size every validation scores F1 0: the first one, after step 3, is the best
        SftSettings plain = new SftSettings(12, 4, 0.05f, 1, 3L, 0, 8, 0, 16, 0f, 0);
        SftSettings averaged = new SftSettings(12, 4, 0.05f, 1, 3L, 0, 8, 3, 16, 0.3f, 0);
        try (Policy a = Policy.initialise(PolicyConfig.tiny(), 9);
                Policy b = Policy.initialise(PolicyConfig.tiny(), 9);
                WeightAverage average = new WeightAverage(a, 0.3f);
                Policy afterThree = a.copy()) {
            SftTrainer.train(a, plain, (step, loss, elapsed) -> {
                average.update(a);
                if (step == 2) {
                    afterThree.copyWeightsFrom(average.policy());
                }
            });
            SftTrainer.Result r = SftTrainer.train(b, averaged, null);
            assertEquals(
                    List.of(3, 6, 9, 12),
                    r.validations().stream().map(SftTrainer.Validation::step).toList());
            assertEquals(3, r.keptStep());
            assertSameWeights(afterThree, b, "the average of the validated step 3");
        }
    }

    private static void assertSameWeights(Policy expected, Policy actual, String what) {
        assertTrue(maxDifference(expected, actual) < 1e-6, what + ": off by " + maxDifference(expected, actual));
    }

    private static double maxDifference(Policy x, Policy y) {
        double max = 0;
        for (int i = 0; i < x.parameters().size(); i++) {
            float[] u = x.parameters().get(i).toFloatArray();
            float[] v = y.parameters().get(i).toFloatArray();
            for (int j = 0; j < u.length; j++) {
                max = Math.max(max, Math.abs(u[j] - v[j]));
            }
        }
        return max;
    }

    @Test
    void scheduleWarmsUpThenDecaysToATenth() {
        SftSettings s = new SftSettings(1000, 32, 1e-3f, 200, 1L, 0);
        assertEquals(5e-6f, s.learningRate(0), 1e-9f);
        assertEquals(1e-3f, s.learningRate(199), 1e-9f);
        assertEquals(1e-4f, s.learningRate(999), 1e-8f);
        assertTrue(s.learningRate(600) < s.learningRate(300));
    }

    @Test
    void aShiftedBatchMovesEachImageAndItsTargetTogetherAndKeepsTheScenesAndFlips() {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            SftSettings plain = new SftSettings(10, 16, 1e-3f, 1, 4L, 0, 40, 0, 16, 0f, 0);
            SftSettings shifted = new SftSettings(10, 16, 1e-3f, 1, 4L, 0, 40, 0, 16, 0f, 4);
            int step = 3;
            TrainingOrder order = new TrainingOrder(4L, 40);
            SftTrainer.Batch a = SftTrainer.makeBatch(p.tokenizer(), plain, step);
            SftTrainer.Batch b = SftTrainer.makeBatch(p.tokenizer(), shifted, step);
            int moved = 0;
            for (int i = 0; i < 16; i++) {
                long position = step * 16L + i;
                Scene scene = SyntheticScenes.generate(Split.TRAIN, 4L, (int) order.sceneIndex(position));
                boolean flip = order.flipped(position);
                SceneShift shift = order.shift(position, scene, 4);
                // the unshifted batch is the same scene and flip, so moving it by the shift must give the shifted one
                float[] expected = shift.apply(scene.pixelsChw(), 64, 64);
                expected = flip ? SftTrainer.flipHorizontally(expected, 64, 64) : expected;
                assertArrayEquals(expected, b.images()[i], "row " + i);
                assertArrayEquals(
                        TargetTemplate.of(shift.apply(scene.persons()), 64, 64, flip)
                                .tokens(p.tokenizer()),
                        b.targets()[i],
                        "row " + i);
                float[] unshifted = scene.pixelsChw();
                assertArrayEquals(flip ? SftTrainer.flipHorizontally(unshifted, 64, 64) : unshifted, a.images()[i]);
                moved += shift.equals(SceneShift.NONE) ? 0 : 1;
            }
            assertTrue(moved >= 8, "most of 16 samples move: " + moved);
        }
    }

    @Test
    void flipMirrorsRows() {
        float[] img = new float[3 * 2 * 3];
        for (int i = 0; i < img.length; i++) {
            img[i] = i;
        }
        float[] f = SftTrainer.flipHorizontally(img, 3, 2);
        assertEquals(2f, f[0]);
        assertEquals(0f, f[2]);
        assertEquals(5f, f[3]);
    }
}
