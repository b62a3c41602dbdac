package dev.dipr1.rewards;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Every setting of the rewards and advantages (spec §6), validated on construction: a value out of
 * range or an impossible combination fails with a message naming the setting to change.
 *
 * @param iouThreshold         τ: IoU for a prediction to match GT, in (0, 1]
 * @param soft                 precision/recall count matched IoU (true) or matches (false)
 * @param weightPrecision      w_p in [0, 1]
 * @param weightRecall         w_r in [0, 1], with w_p + w_r = 1 (within {@value #WEIGHT_SUM_TOLERANCE})
 * @param clusterIou           τ_c: IoU for a box to join a consensus cluster, in (0, 1]
 * @param uncertaintyThreshold θ: uncertainty for a cluster to count as uncertain, in (0, 1]
 * @param maxLookAreaFraction  α: largest look box as a fraction of the image area, in (0, 1]
 * @param lambdaFormat         λ_fmt, finite and ≥ 0
 * @param lambdaLook           λ_look, finite and ≥ 0
 * @param lambdaAccuracy       λ_acc, finite and ≥ 0
 * @param epsilon              ε in (0, {@value #MAX_EPSILON}], added to the group std
 * @param scaleByStd           divide advantages by the group std (false: Dr. GRPO)
 * @param accuracyForm         how r_acc combines precision and recall (spec: weighted)
 */
public record RewardConfig(
        double iouThreshold,
        boolean soft,
        double weightPrecision,
        double weightRecall,
        double clusterIou,
        double uncertaintyThreshold,
        double maxLookAreaFraction,
        double lambdaFormat,
        double lambdaLook,
        double lambdaAccuracy,
        double epsilon,
        boolean scaleByStd,
        AccuracyForm accuracyForm) {

    /** The version of spec/rewards.md implemented here; any rule change is a new version. */
    public static final int REWARD_VERSION = 1;

    /** Tolerance of {@code w_p + w_r = 1}. */
    public static final double WEIGHT_SUM_TOLERANCE = 1e-9;

    /**
     * Largest ε. It only keeps a zero std from dividing by zero; at 1 it already halves the advantages
     * of a group whose std is 1.
     */
    public static final double MAX_EPSILON = 1.0;

    /** A configuration with the spec's accuracy form ({@link AccuracyForm#WEIGHTED}). */
    public RewardConfig(
            double iouThreshold,
            boolean soft,
            double weightPrecision,
            double weightRecall,
            double clusterIou,
            double uncertaintyThreshold,
            double maxLookAreaFraction,
            double lambdaFormat,
            double lambdaLook,
            double lambdaAccuracy,
            double epsilon,
            boolean scaleByStd) {
        this(
                iouThreshold,
                soft,
                weightPrecision,
                weightRecall,
                clusterIou,
                uncertaintyThreshold,
                maxLookAreaFraction,
                lambdaFormat,
                lambdaLook,
                lambdaAccuracy,
                epsilon,
                scaleByStd,
                AccuracyForm.WEIGHTED);
    }

    public RewardConfig {
        java.util.Objects.requireNonNull(accuracyForm, "accuracy form");
        inUnitInterval("iou_threshold", iouThreshold, "the IoU a prediction needs to match a GT box");
        weight("weight_precision", weightPrecision);
        weight("weight_recall", weightRecall);
        if (!(Math.abs(weightPrecision + weightRecall - 1.0) <= WEIGHT_SUM_TOLERANCE)) {
            throw new IllegalArgumentException("weight_precision + weight_recall must equal 1 (within 1e-9) but is "
                    + weightPrecision + " + " + weightRecall + " = " + (weightPrecision + weightRecall)
                    + ": change weight_precision or weight_recall so that they sum to 1");
        }
        inUnitInterval("cluster_iou", clusterIou, "the IoU a box needs to join a consensus cluster");
        inUnitInterval("uncertainty_threshold", uncertaintyThreshold, "the uncertainty of an uncertain cluster");
        inUnitInterval("max_look_area_fraction", maxLookAreaFraction, "a fraction of the image area");
        lambda("lambda_format", lambdaFormat);
        lambda("lambda_look", lambdaLook);
        lambda("lambda_accuracy", lambdaAccuracy);
        if (!(epsilon > 0.0 && epsilon <= MAX_EPSILON)) {
            throw new IllegalArgumentException("epsilon must be a number > 0 and <= " + MAX_EPSILON + " but is "
                    + epsilon + ": change epsilon (default " + defaults().epsilon
                    + "; it only guards against a zero std)");
        }
        // -0.0 and 0.0 are the same setting: normalise so equals/hash agree.
        weightPrecision += 0.0;
        weightRecall += 0.0;
        lambdaFormat += 0.0;
        lambdaLook += 0.0;
        lambdaAccuracy += 0.0;
    }

    /** The defaults of spec §6, the only place they are written. */
    public static RewardConfig defaults() {
        return new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1.0, 1.0, 1.0, 1e-4, true);
    }

    /** The same configuration with other reward weights λ (format, look, accuracy). */
    public RewardConfig withLambda(double format, double look, double accuracy) {
        return withWeights(weightPrecision, weightRecall, format, look, accuracy, accuracyForm);
    }

    /** The same configuration with other weights of precision and recall in the accuracy reward (w_p, w_r). */
    public RewardConfig withPrecisionRecallWeights(double precision, double recall) {
        return withWeights(precision, recall, lambdaFormat, lambdaLook, lambdaAccuracy, accuracyForm);
    }

    /** The same configuration with another accuracy form. */
    public RewardConfig withAccuracyForm(AccuracyForm form) {
        return withWeights(weightPrecision, weightRecall, lambdaFormat, lambdaLook, lambdaAccuracy, form);
    }

    /** The same matching, look and advantage settings with other weights and accuracy form: what the withers vary. */
    private RewardConfig withWeights(
            double precision, double recall, double format, double look, double accuracy, AccuracyForm form) {
        return new RewardConfig(
                iouThreshold,
                soft,
                precision,
                recall,
                clusterIou,
                uncertaintyThreshold,
                maxLookAreaFraction,
                format,
                look,
                accuracy,
                epsilon,
                scaleByStd,
                form);
    }

    /**
     * Hex SHA-256 of the canonical rendering {@link #canonical()}: the same on every JVM (doubles are
     * rendered by {@link Double#toHexString}, which is exact and has never changed).
     */
    public String stableHash() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** The text hashed by {@link #stableHash()}: {@code key=value} pairs in declaration order, ';'-separated. */
    public String canonical() {
        return "dipr1-rewards;reward_version=" + REWARD_VERSION
                + ";iou_threshold=" + Double.toHexString(iouThreshold)
                + ";soft=" + soft
                + ";weight_precision=" + Double.toHexString(weightPrecision)
                + ";weight_recall=" + Double.toHexString(weightRecall)
                + ";cluster_iou=" + Double.toHexString(clusterIou)
                + ";uncertainty_threshold=" + Double.toHexString(uncertaintyThreshold)
                + ";max_look_area_fraction=" + Double.toHexString(maxLookAreaFraction)
                + ";lambda_format=" + Double.toHexString(lambdaFormat)
                + ";lambda_look=" + Double.toHexString(lambdaLook)
                + ";lambda_accuracy=" + Double.toHexString(lambdaAccuracy)
                + ";epsilon=" + Double.toHexString(epsilon)
                + ";scale_by_std=" + scaleByStd
                // only the ablation's form is named, so every spec config keeps the hash it always had
                + (accuracyForm == AccuracyForm.WEIGHTED ? "" : ";accuracy=" + accuracyForm.label());
    }

    /** One JSON object with snake_case keys (and {@code reward_version}); doubles round-trip exactly. */
    public String toJson() {
        return RewardConfigJson.write(this);
    }

    /**
     * Reads {@link #toJson()} output; absent keys take their defaults, unknown keys and a
     * {@code reward_version} other than {@value #REWARD_VERSION} are rejected.
     *
     * @throws IllegalArgumentException on bad JSON, an unknown key, a wrong type or an invalid value
     */
    public static RewardConfig fromJson(String json) {
        return RewardConfigJson.read(json);
    }

    private static void inUnitInterval(String name, double value, String meaning) {
        if (!(value > 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(
                    name + " must be in (0, 1] but is " + value + ": change " + name + " (" + meaning + ")");
        }
    }

    private static void weight(String name, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be a number >= 0 and <= 1 but is " + value + ": change "
                    + name + " (weight_precision + weight_recall = 1)");
        }
    }

    private static void lambda(String name, double value) {
        if (!(value >= 0.0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0 but is " + value + ": change "
                    + name + " (0 turns that reward off)");
        }
    }
}
