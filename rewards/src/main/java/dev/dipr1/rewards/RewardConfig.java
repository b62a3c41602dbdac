package dev.dipr1.rewards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

/**
 * Every setting of the rewards and advantages (spec §6), validated on construction.
 *
 * @param iouThreshold         τ: IoU for a prediction to match GT, in (0, 1]
 * @param soft                 precision/recall count matched IoU (true) or matches (false)
 * @param weightPrecision      w_p ≥ 0
 * @param weightRecall         w_r ≥ 0, with w_p + w_r = 1 (within 1e-9)
 * @param clusterIou           τ_c: IoU for a box to join a consensus cluster, in (0, 1]
 * @param uncertaintyThreshold θ: uncertainty for a cluster to count as uncertain, in (0, 1]
 * @param maxLookAreaFraction  α: largest look box as a fraction of the image area, in (0, 1]
 * @param lambdaFormat         λ_fmt ≥ 0
 * @param lambdaLook           λ_look ≥ 0
 * @param lambdaAccuracy       λ_acc ≥ 0
 * @param epsilon              ε &gt; 0, added to the group std
 * @param scaleByStd           divide advantages by the group std (false: Dr. GRPO)
 */
public record RewardConfig(double iouThreshold, boolean soft, double weightPrecision, double weightRecall,
                           double clusterIou, double uncertaintyThreshold, double maxLookAreaFraction,
                           double lambdaFormat, double lambdaLook, double lambdaAccuracy, double epsilon,
                           boolean scaleByStd) {

    /** The version of spec/rewards.md implemented here; any rule change is a new version. */
    public static final int REWARD_VERSION = 1;

    /** Tolerance of {@code w_p + w_r = 1}. */
    public static final double WEIGHT_SUM_TOLERANCE = 1e-9;

    private static final Set<String> KEYS = Set.of("reward_version", "iou_threshold", "soft", "weight_precision",
            "weight_recall", "cluster_iou", "uncertainty_threshold", "max_look_area_fraction", "lambda_format",
            "lambda_look", "lambda_accuracy", "epsilon", "scale_by_std");

    public RewardConfig {
        unitInterval("iou_threshold", iouThreshold);
        nonNegative("weight_precision", weightPrecision);
        nonNegative("weight_recall", weightRecall);
        if (!(Math.abs(weightPrecision + weightRecall - 1.0) <= WEIGHT_SUM_TOLERANCE)) {
            throw new IllegalArgumentException("weight_precision + weight_recall must equal 1 (within 1e-9) but is "
                    + weightPrecision + " + " + weightRecall + " = " + (weightPrecision + weightRecall)
                    + ": change weight_precision or weight_recall so that they sum to 1");
        }
        unitInterval("cluster_iou", clusterIou);
        unitInterval("uncertainty_threshold", uncertaintyThreshold);
        unitInterval("max_look_area_fraction", maxLookAreaFraction);
        nonNegative("lambda_format", lambdaFormat);
        nonNegative("lambda_look", lambdaLook);
        nonNegative("lambda_accuracy", lambdaAccuracy);
        if (!(epsilon > 0.0 && Double.isFinite(epsilon))) {
            throw new IllegalArgumentException("epsilon must be a finite number > 0 but is " + epsilon
                    + ": change epsilon (default 1e-4)");
        }
        // -0.0 and 0.0 are the same setting: normalise so equals/hash agree.
        weightPrecision += 0.0;
        weightRecall += 0.0;
        lambdaFormat += 0.0;
        lambdaLook += 0.0;
        lambdaAccuracy += 0.0;
    }

    /** The defaults of spec §6. */
    public static RewardConfig defaults() {
        return new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1.0, 1.0, 1.0, 1e-4, true);
    }

    /**
     * Hex SHA-256 of the canonical rendering {@link #canonical()}: the same on every JVM (doubles are
     * rendered by {@link Double#toHexString}, which is exact and has never changed).
     */
    public String stableHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
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
                + ";scale_by_std=" + scaleByStd;
    }

    /** One JSON object with snake_case keys (and {@code reward_version}); doubles round-trip exactly. */
    public String toJson() {
        return "{\"reward_version\":" + REWARD_VERSION
                + ",\"iou_threshold\":" + iouThreshold
                + ",\"soft\":" + soft
                + ",\"weight_precision\":" + weightPrecision
                + ",\"weight_recall\":" + weightRecall
                + ",\"cluster_iou\":" + clusterIou
                + ",\"uncertainty_threshold\":" + uncertaintyThreshold
                + ",\"max_look_area_fraction\":" + maxLookAreaFraction
                + ",\"lambda_format\":" + lambdaFormat
                + ",\"lambda_look\":" + lambdaLook
                + ",\"lambda_accuracy\":" + lambdaAccuracy
                + ",\"epsilon\":" + epsilon
                + ",\"scale_by_std\":" + scaleByStd
                + "}";
    }

    /**
     * Reads {@link #toJson()} output; absent keys take their defaults, unknown keys and a
     * {@code reward_version} other than {@value #REWARD_VERSION} are rejected.
     *
     * @throws IllegalArgumentException on bad JSON, an unknown key, a wrong type or an invalid value
     */
    public static RewardConfig fromJson(String json) {
        JsonNode node;
        try {
            node = new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("reward config is not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("reward config must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown reward config key '" + key + "', expected one of " + KEYS);
            }
        }
        if (node.has("reward_version") && !(node.get("reward_version").isIntegralNumber()
                && node.get("reward_version").asInt() == REWARD_VERSION)) {
            throw new IllegalArgumentException("reward_version " + node.get("reward_version")
                    + " is not supported, this library implements version " + REWARD_VERSION);
        }
        RewardConfig d = defaults();
        return new RewardConfig(num(node, "iou_threshold", d.iouThreshold), bool(node, "soft", d.soft),
                num(node, "weight_precision", d.weightPrecision), num(node, "weight_recall", d.weightRecall),
                num(node, "cluster_iou", d.clusterIou), num(node, "uncertainty_threshold", d.uncertaintyThreshold),
                num(node, "max_look_area_fraction", d.maxLookAreaFraction),
                num(node, "lambda_format", d.lambdaFormat), num(node, "lambda_look", d.lambdaLook),
                num(node, "lambda_accuracy", d.lambdaAccuracy), num(node, "epsilon", d.epsilon),
                bool(node, "scale_by_std", d.scaleByStd));
    }

    private static double num(JsonNode node, String key, double fallback) {
        JsonNode v = node.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode node, String key, boolean fallback) {
        JsonNode v = node.get(key);
        if (v == null) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(key + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static void unitInterval(String name, double value) {
        if (!(value > 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in (0, 1] but is " + value + ": change " + name);
        }
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0.0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0 but is " + value
                    + ": change " + name);
        }
    }
}
