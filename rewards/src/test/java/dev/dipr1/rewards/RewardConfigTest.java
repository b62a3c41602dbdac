package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Spec §6: the settings, their validation, their hash and their JSON. */
class RewardConfigTest {

    static final RewardConfig D = RewardConfig.defaults();

    static void assertRejected(String option, String range, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(option), e.getMessage());
        assertTrue(e.getMessage().contains(range), e.getMessage());
    }

    @Test
    void withLambdaChangesOnlyTheRewardWeights() {
        RewardConfig d = RewardConfig.defaults();
        RewardConfig w = d.withLambda(1.0, 0.5, 2.0);
        assertEquals(
                new RewardConfig(
                        d.iouThreshold(),
                        d.soft(),
                        d.weightPrecision(),
                        d.weightRecall(),
                        d.clusterIou(),
                        d.uncertaintyThreshold(),
                        d.maxLookAreaFraction(),
                        1.0,
                        0.5,
                        2.0,
                        d.epsilon(),
                        d.scaleByStd()),
                w);
        assertNotEquals(d.stableHash(), w.stableHash());
        assertThrows(IllegalArgumentException.class, () -> d.withLambda(Double.NaN, 1, 1));
    }

    @Test
    void withPrecisionRecallWeightsChangesOnlyThoseTwo() {
        RewardConfig d = RewardConfig.defaults().withLambda(1.0, 0.5, 2.0);
        RewardConfig w = d.withPrecisionRecallWeights(0.3, 0.7);
        assertEquals(0.3, w.weightPrecision());
        assertEquals(0.7, w.weightRecall());
        assertEquals(d, w.withPrecisionRecallWeights(0.5, 0.5), "nothing else changed");
        RewardConfig f1 = d.withAccuracyForm(AccuracyForm.F1);
        assertEquals(AccuracyForm.F1, f1.withPrecisionRecallWeights(0.3, 0.7).accuracyForm(), "the form is kept");
        assertNotEquals(d.stableHash(), w.stableHash());
        assertRejected("weight_recall", "sum to 1", () -> d.withPrecisionRecallWeights(0.3, 0.6));
    }

    @Test
    void defaultsAreThoseOfTheSpec() {
        assertEquals(new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true), D);
        assertEquals(1, RewardConfig.REWARD_VERSION);
    }

    @Test
    void thresholdsMustBeInTheUnitInterval() {
        assertRejected(
                "iou_threshold",
                "(0, 1]",
                () -> new RewardConfig(0, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "iou_threshold",
                "(0, 1]",
                () -> new RewardConfig(1.01, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "cluster_iou",
                "(0, 1]",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, Double.NaN, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "uncertainty_threshold",
                "(0, 1]",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, -0.1, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "max_look_area_fraction",
                "(0, 1]",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 2, 1, 1, 1, 1e-4, true));
        // 1 itself is allowed
        new RewardConfig(1, true, 0.5, 0.5, 1, 1, 1, 1, 1, 1, 1e-4, true);
    }

    @Test
    void weightsMustBeNonNegativeAndSumToOne() {
        assertRejected(
                "weight_precision",
                ">= 0",
                () -> new RewardConfig(0.5, true, -0.5, 1.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "weight_precision + weight_recall",
                "1",
                () -> new RewardConfig(0.5, true, 0.5, 0.6, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        new RewardConfig(0.5, true, 0.3, 0.7 + 5e-10, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true); // within 1e-9
        new RewardConfig(0.5, true, 1, 0, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true);
    }

    @Test
    void lambdasMustBeNonNegative() {
        assertRejected(
                "lambda_format",
                ">= 0",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, -1, 1, 1, 1e-4, true));
        assertRejected(
                "lambda_look",
                ">= 0",
                () -> new RewardConfig(
                        0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, Double.POSITIVE_INFINITY, 1, 1e-4, true));
        assertRejected(
                "lambda_accuracy",
                ">= 0",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, -0.1, 1e-4, true));
        new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 0, 0, 0, 1e-4, true);
    }

    @Test
    void epsilonMustBePositive() {
        assertRejected("epsilon", "> 0", () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 0, true));
    }

    @Test
    void epsilonHasAnUpperBound() {
        assertRejected(
                "epsilon", "<= 1.0", () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1.5, true));
        assertRejected(
                "epsilon",
                "> 0",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, Double.NaN, true));
        assertRejected(
                "epsilon",
                "default 1.0E-4",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, Double.POSITIVE_INFINITY, true));
        new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, RewardConfig.MAX_EPSILON, true);
    }

    @Test
    void weightsAreAtMostOneAndLambdasFinite() {
        assertRejected(
                "weight_recall",
                "<= 1",
                () -> new RewardConfig(0.5, true, 0, 1.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "weight_precision",
                "<= 1",
                () -> new RewardConfig(0.5, true, Double.NaN, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "lambda_format",
                "finite",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, Double.NaN, 1, 1, 1e-4, true));
        assertRejected(
                "lambda_accuracy",
                "finite",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, Double.MAX_VALUE * 2, 1e-4, true));
    }

    @Test
    void messagesSayWhatToChange() {
        assertRejected(
                "change cluster_iou",
                "consensus cluster",
                () -> new RewardConfig(0.5, true, 0.5, 0.5, 0, 0.5, 0.25, 1, 1, 1, 1e-4, true));
        assertRejected(
                "change weight_precision or weight_recall",
                "sum to 1",
                () -> new RewardConfig(0.5, true, 0.5, 0.5 + 1e-8, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true));
    }

    @Test
    void jsonTextIsPinned() { // written into every scored group: it must not change
        assertEquals(
                "{\"reward_version\":1,\"iou_threshold\":0.5,\"soft\":true,\"weight_precision\":0.5,"
                        + "\"weight_recall\":0.5,\"cluster_iou\":0.5,\"uncertainty_threshold\":0.5,"
                        + "\"max_look_area_fraction\":0.25,\"lambda_format\":1.0,\"lambda_look\":1.0,\"lambda_accuracy\":1.0,"
                        + "\"epsilon\":1.0E-4,\"scale_by_std\":true}",
                D.toJson());
        assertEquals(
                "{\"reward_version\":1,\"iou_threshold\":1.0E-7,\"soft\":true,\"weight_precision\":1.0,"
                        + "\"weight_recall\":0.0,\"cluster_iou\":1.0,\"uncertainty_threshold\":1.0,"
                        + "\"max_look_area_fraction\":1.0,\"lambda_format\":1.0E22,\"lambda_look\":123456.789,"
                        + "\"lambda_accuracy\":0.0,\"epsilon\":1.0,\"scale_by_std\":true}",
                new RewardConfig(1e-7, true, 1, 0, 1, 1, 1, 1e22, 123456.789, 0, 1.0, true).toJson());
    }

    @Test
    void hashIsAPinnedSha256OfTheCanonicalForm() {
        assertEquals(64, D.stableHash().length());
        assertEquals(DEFAULT_HASH, D.stableHash()); // pinned: must never change for reward version 1
        assertEquals(RewardConfig.defaults().stableHash(), D.stableHash());
        assertEquals(
                "dipr1-rewards;reward_version=1;iou_threshold=0x1.0p-1;soft=true;weight_precision=0x1.0p-1;"
                        + "weight_recall=0x1.0p-1;cluster_iou=0x1.0p-1;uncertainty_threshold=0x1.0p-1;"
                        + "max_look_area_fraction=0x1.0p-2;lambda_format=0x1.0p0;lambda_look=0x1.0p0;lambda_accuracy=0x1.0p0;"
                        + "epsilon=0x1.a36e2eb1c432dp-14;scale_by_std=true",
                D.canonical());
    }

    static final String DEFAULT_HASH = "77c271fddea4f50321f9d900347edf5df58957f31f9b0e9ffad0f0908317e301";

    @Test
    void everyFieldChangesTheHash() {
        RewardConfig[] variants = {
            new RewardConfig(0.6, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true),
            new RewardConfig(0.5, false, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true),
            new RewardConfig(0.5, true, 0.4, 0.6, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.6, 0.5, 0.25, 1, 1, 1, 1e-4, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.6, 0.25, 1, 1, 1, 1e-4, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.3, 1, 1, 1, 1e-4, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 2, 1, 1, 1e-4, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 2, 1, 1e-4, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 2, 1e-4, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-3, true),
            new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, false),
            D.withAccuracyForm(AccuracyForm.F1),
        };
        java.util.Set<String> hashes = new java.util.HashSet<>();
        hashes.add(D.stableHash());
        for (RewardConfig v : variants) {
            assertTrue(hashes.add(v.stableHash()), v.toString());
        }
    }

    @Test
    void negativeZeroIsTheSameSettingAsZero() {
        RewardConfig a = new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 0.0, 1, 1, 1e-4, true);
        RewardConfig b = new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, -0.0, 1, 1, 1e-4, true);
        assertEquals(a, b);
        assertEquals(a.stableHash(), b.stableHash());
    }

    @Test
    void theSpecsAccuracyFormKeepsTheHashAndJsonItHadBeforeTheOption() {
        RewardConfig explicit = D.withAccuracyForm(AccuracyForm.WEIGHTED);
        assertEquals(D, explicit);
        assertEquals(D.canonical(), explicit.canonical());
        assertTrue(!D.toJson().contains("\"accuracy\":"), D.toJson());
        RewardConfig f1 = D.withAccuracyForm(AccuracyForm.F1);
        assertTrue(f1.toJson().endsWith(",\"accuracy\":\"f1\"}"), f1.toJson());
        assertEquals(f1, RewardConfig.fromJson(f1.toJson()));
        assertRejected("accuracy", "weighted or f1", () -> RewardConfig.fromJson("{\"accuracy\": \"mean\"}"));
    }

    @Test
    void jsonRoundTrips() {
        RewardConfig c = new RewardConfig(0.3, false, 0.1, 0.9, 0.45, 0.7, 0.1, 0.5, 2, 0.1 + 0.2, 3e-5, false);
        assertEquals(c, RewardConfig.fromJson(c.toJson()));
        assertEquals(D, RewardConfig.fromJson(D.toJson()));
        assertTrue(D.toJson().contains("\"reward_version\":1"));
    }

    @Test
    void fromJsonUsesDefaultsAndRejectsUnknownKeys() {
        assertEquals(D, RewardConfig.fromJson("{}"));
        assertRejected("soft", "true or false", () -> RewardConfig.fromJson("{\"soft\": 1}"));
        assertRejected("unknown", "iou_threshold", () -> RewardConfig.fromJson("{\"iou\": 0.5}"));
        assertRejected("reward_version", "1", () -> RewardConfig.fromJson("{\"reward_version\": 2}"));
        assertRejected("iou_threshold", "(0, 1]", () -> RewardConfig.fromJson("{\"iou_threshold\": 5}"));
        assertNotEquals(D, RewardConfig.fromJson("{\"soft\": false}"));
    }
}
