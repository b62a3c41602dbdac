package dev.dipr1.rewards;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/**
 * {@link RewardConfig} as one JSON object with snake_case keys, as written into every scored group
 * ({@code reward_config_json}). Doubles are written by {@link Double#toString}, so they round-trip
 * exactly and the text of a config never changes.
 */
final class RewardConfigJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Set<String> KEYS = Set.of(
            "reward_version",
            "iou_threshold",
            "soft",
            "weight_precision",
            "weight_recall",
            "cluster_iou",
            "uncertainty_threshold",
            "max_look_area_fraction",
            "lambda_format",
            "lambda_look",
            "lambda_accuracy",
            "epsilon",
            "scale_by_std",
            "accuracy");

    private RewardConfigJson() {}

    /** The keys in declaration order, {@code reward_version} first, no whitespace. */
    static String write(RewardConfig c) {
        ObjectNode o = MAPPER.createObjectNode()
                .put("reward_version", RewardConfig.REWARD_VERSION)
                .put("iou_threshold", c.iouThreshold())
                .put("soft", c.soft())
                .put("weight_precision", c.weightPrecision())
                .put("weight_recall", c.weightRecall())
                .put("cluster_iou", c.clusterIou())
                .put("uncertainty_threshold", c.uncertaintyThreshold())
                .put("max_look_area_fraction", c.maxLookAreaFraction())
                .put("lambda_format", c.lambdaFormat())
                .put("lambda_look", c.lambdaLook())
                .put("lambda_accuracy", c.lambdaAccuracy())
                .put("epsilon", c.epsilon())
                .put("scale_by_std", c.scaleByStd());
        if (c.accuracyForm() != AccuracyForm.WEIGHTED) {
            o.put("accuracy", c.accuracyForm().label()); // absent = the spec's form, as before the option
        }
        try {
            return MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreachable: a tree of numbers and booleans always serialises", e);
        }
    }

    /** See {@link RewardConfig#fromJson(String)}. */
    static RewardConfig read(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
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
        if (node.has("reward_version")
                && !(node.get("reward_version").isIntegralNumber()
                        && node.get("reward_version").asInt() == RewardConfig.REWARD_VERSION)) {
            throw new IllegalArgumentException("reward_version " + node.get("reward_version")
                    + " is not supported, this library implements version " + RewardConfig.REWARD_VERSION);
        }
        RewardConfig d = RewardConfig.defaults();
        return new RewardConfig(
                num(node, "iou_threshold", d.iouThreshold()),
                bool(node, "soft", d.soft()),
                num(node, "weight_precision", d.weightPrecision()),
                num(node, "weight_recall", d.weightRecall()),
                num(node, "cluster_iou", d.clusterIou()),
                num(node, "uncertainty_threshold", d.uncertaintyThreshold()),
                num(node, "max_look_area_fraction", d.maxLookAreaFraction()),
                num(node, "lambda_format", d.lambdaFormat()),
                num(node, "lambda_look", d.lambdaLook()),
                num(node, "lambda_accuracy", d.lambdaAccuracy()),
                num(node, "epsilon", d.epsilon()),
                bool(node, "scale_by_std", d.scaleByStd()),
                accuracyForm(node));
    }

    private static AccuracyForm accuracyForm(JsonNode node) {
        JsonNode v = node.get("accuracy");
        if (v == null) {
            return AccuracyForm.WEIGHTED;
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException("accuracy must be \"weighted\" or \"f1\", got " + v);
        }
        return AccuracyForm.fromLabel(v.asText());
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
}
