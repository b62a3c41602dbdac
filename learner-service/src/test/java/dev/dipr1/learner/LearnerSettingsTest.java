package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LearnerSettingsTest {

    /** The defaults with some fields replaced. */
    private static LearnerSettings with(
            int batchGroups, int mu, float lr, int publishEvery, int inlineLimit, Path policyDir) {
        LearnerSettings d = LearnerSettings.defaults();
        return new LearnerSettings(
                batchGroups,
                mu,
                lr,
                d.loss(),
                d.maxStaleness(),
                d.skipZeroVariance(),
                publishEvery,
                d.checkpointEvery(),
                d.checkpointPath(),
                policyDir,
                inlineLimit,
                d.maxSteps(),
                d.startAtEnd());
    }

    private static final LearnerSettings D = LearnerSettings.defaults();

    private static void refused(String option, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(option), x.getMessage());
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(8, D.batchGroups());
        assertEquals(1, D.innerIterations());
        assertEquals(1e-4f, D.learningRate());
        assertEquals(GrpoLoss.Settings.defaults(), D.loss());
        assertEquals(4, D.maxStaleness());
        assertTrue(D.skipZeroVariance());
        assertEquals(Path.of("learner.ckpt"), D.checkpointPath());
    }

    @Test
    void boundsThemselvesAreAccepted() {
        assertDoesNotThrow(() -> with(1, 1, Float.MIN_VALUE, 1, 0, D.policyDir()));
        assertDoesNotThrow(() -> with(
                LearnerSettings.MAX_BATCH_GROUPS,
                LearnerSettings.MAX_INNER_ITERATIONS,
                LearnerSettings.MAX_LEARNING_RATE,
                1,
                LearnerSettings.MAX_INLINE_LIMIT,
                D.policyDir()));
    }

    @Test
    void batchGroupsOutsideTheRangeAreRefused() {
        refused("--batch-groups", () -> with(0, 1, 1e-4f, 1, 0, D.policyDir()));
        refused("--batch-groups", () -> with(LearnerSettings.MAX_BATCH_GROUPS + 1, 1, 1e-4f, 1, 0, D.policyDir()));
    }

    @Test
    void innerIterationsOutsideTheRangeAreRefused() {
        refused("--inner-iterations", () -> with(8, 0, 1e-4f, 1, 0, D.policyDir()));
        refused(
                "--inner-iterations",
                () -> with(8, LearnerSettings.MAX_INNER_ITERATIONS + 1, 1e-4f, 1, 0, D.policyDir()));
    }

    @Test
    void learningRateMustBeFinitePositiveAndSane() {
        for (float lr : new float[] {
            0f, -1e-4f, Float.NaN, Float.POSITIVE_INFINITY, Math.nextUp(LearnerSettings.MAX_LEARNING_RATE)
        }) {
            refused("--lr", () -> with(8, 1, lr, 1, 0, D.policyDir()));
        }
    }

    @Test
    void publishEveryMustBePositive() {
        refused("--publish-every", () -> with(8, 1, 1e-4f, 0, 0, D.policyDir()));
    }

    @Test
    void inlineLimitMustFitAPolicyRecordAndLargerUpdatesNeedAPolicyDir() {
        refused("--inline-limit", () -> with(8, 1, 1e-4f, 1, -1, D.policyDir()));
        refused("--inline-limit", () -> with(8, 1, 1e-4f, 1, LearnerSettings.MAX_INLINE_LIMIT + 1, D.policyDir()));
        refused("--policy-dir", () -> with(8, 1, 1e-4f, 1, 1024, null));
    }

    @Test
    void otherFieldsAreChecked() {
        refused(
                "--max-staleness",
                () -> new LearnerSettings(8, 1, 1e-4f, D.loss(), -1, true, 1, 1, null, D.policyDir(), 0, 0, false));
        refused(
                "--checkpoint-every",
                () -> new LearnerSettings(8, 1, 1e-4f, D.loss(), 0, true, 1, 0, null, D.policyDir(), 0, 0, false));
        refused(
                "--max-steps",
                () -> new LearnerSettings(8, 1, 1e-4f, D.loss(), 0, true, 1, 1, null, D.policyDir(), 0, -1, false));
        refused(
                "GrpoLoss",
                () -> new LearnerSettings(8, 1, 1e-4f, null, 0, true, 1, 1, null, D.policyDir(), 0, 0, false));
    }

    @Test
    void lossSettingsBoundClipEpsilonAndBeta() {
        assertDoesNotThrow(() -> new GrpoLoss.Settings(0.2f, 0f));
        assertDoesNotThrow(() -> new GrpoLoss.Settings(0.2f, GrpoLoss.Settings.MAX_BETA));
        refused("--clip-epsilon", () -> new GrpoLoss.Settings(0f, 0.04f));
        refused("--clip-epsilon", () -> new GrpoLoss.Settings(1f, 0.04f));
        refused("--beta", () -> new GrpoLoss.Settings(0.2f, -0.01f));
        refused("--beta", () -> new GrpoLoss.Settings(0.2f, Float.NaN));
        refused("--beta", () -> new GrpoLoss.Settings(0.2f, Float.POSITIVE_INFINITY));
    }

    @Test
    void theWithersChangeOneFieldAndKeepEveryOther() {
        LearnerSettings base = new LearnerSettings(
                D.batchGroups(),
                D.innerIterations(),
                D.learningRate(),
                D.loss(),
                D.maxStaleness(),
                D.skipZeroVariance(),
                D.publishEvery(),
                D.checkpointEvery(),
                D.checkpointPath(),
                D.policyDir(),
                D.inlineLimit(),
                D.maxSteps(),
                D.startAtEnd(),
                123);

        LearnerSettings lr = base.withLearningRate(3e-5f);
        assertEquals(3e-5f, lr.learningRate());
        assertEquals(123, lr.recentGroupIds(), "withLearningRate kept --recent-group-ids");
        assertEquals(base, lr.withLearningRate(base.learningRate()));

        LearnerSettings b = base.withBatchGroups(16);
        assertEquals(16, b.batchGroups());
        assertEquals(base, b.withBatchGroups(base.batchGroups()));

        LearnerSettings steps = base.withMaxSteps(7);
        assertEquals(7, steps.maxSteps());
        assertEquals(base, steps.withMaxSteps(base.maxSteps()));
    }
}
