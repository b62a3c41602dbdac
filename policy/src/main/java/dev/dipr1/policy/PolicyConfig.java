package dev.dipr1.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every architecture hyper-parameter of the policy. The defaults reproduce the calibration run
 * (calibration.md): a 5-layer conv stem to an {@code grid × grid} map of {@code dModel} features,
 * learned 2-D positions and {@code encoderLayers} transformer layers over the grid; a
 * {@code decoderLayers}-layer transformer decoder (causal self-attention, cross-attention to the
 * grid, GELU FFN), pre-layer-norm. About 1.4 M parameters.
 *
 * <p>Every setting is checked when the record is made (also when a checkpoint is read), with
 * upper bounds that catch typos; a bad config fails naming every problem and its allowed range.
 *
 * <p>Normalisation is GroupNorm in the stem and LayerNorm in the transformer, never batch norm:
 * their output does not depend on the batch or on a train/eval mode, so the log-probabilities the
 * generator records and those the learner recomputes come from the same function.
 *
 * @param imageSize input images are {@code imageSize × imageSize} RGB; boxes are quantised to
 *     integer pixel coordinates {@code 0..imageSize}
 * @param stemChannels channels of the first conv layer (doubled once, then {@code dModel})
 * @param normGroups groups of the stem's GroupNorm layers (must divide every stem width)
 * @param dModel width of the transformer
 * @param heads attention heads (must divide {@code dModel})
 * @param ffnDim hidden width of the feed-forward blocks
 * @param encoderLayers transformer layers over the image grid
 * @param decoderLayers transformer decoder layers
 * @param maxSeqLen prompt plus completion, in tokens
 */
public record PolicyConfig(
        int imageSize,
        int stemChannels,
        int normGroups,
        int dModel,
        int heads,
        int ffnDim,
        int encoderLayers,
        int decoderLayers,
        int maxSeqLen) {

    /** The stem halves the resolution three times. */
    public static final int STEM_STRIDE = 8;
    /** Largest image side: coordinate tokens 0..imageSize are part of the vocabulary. */
    public static final int MAX_IMAGE_SIZE = 1024;
    /** Largest width of any layer (stem channels, d_model, FFN). */
    public static final int MAX_WIDTH = 8192;
    /** Most encoder or decoder layers. */
    public static final int MAX_LAYERS = 64;
    /** Shortest sequence: the prompt and a few completion tokens. */
    public static final int MIN_SEQ_LEN = 16;
    /** Longest sequence (the causal mask is max_seq_len² floats, the KV cache grows with it). */
    public static final int MAX_SEQ_LEN = 1024;

    public PolicyConfig {
        List<String> errors = new ArrayList<>();
        if (imageSize <= 0 || imageSize % STEM_STRIDE != 0 || imageSize > MAX_IMAGE_SIZE) {
            errors.add("image_size=" + imageSize + " must be a positive multiple of " + STEM_STRIDE + " up to "
                    + MAX_IMAGE_SIZE);
        }
        if (stemChannels <= 0 || normGroups <= 0 || stemChannels % normGroups != 0) {
            errors.add("stem_channels=" + stemChannels + " must be a positive multiple of norm_groups=" + normGroups);
        }
        if (dModel <= 0 || heads <= 0 || dModel % heads != 0) {
            errors.add("d_model=" + dModel + " must be a positive multiple of heads=" + heads);
        }
        if (normGroups > 0 && dModel % normGroups != 0) {
            errors.add("d_model=" + dModel + " must be a multiple of norm_groups=" + normGroups);
        }
        if (ffnDim <= 0) {
            errors.add("ffn_dim=" + ffnDim + " must be positive");
        }
        if (Math.max(2L * stemChannels, Math.max(dModel, ffnDim)) > MAX_WIDTH) {
            errors.add("stem_channels=" + stemChannels + " (doubled in the stem), d_model=" + dModel + " and ffn_dim="
                    + ffnDim + " must each be at most " + MAX_WIDTH);
        }
        if (encoderLayers < 0 || decoderLayers <= 0 || encoderLayers > MAX_LAYERS || decoderLayers > MAX_LAYERS) {
            errors.add("encoder_layers=" + encoderLayers + " must be in [0, " + MAX_LAYERS + "] and decoder_layers="
                    + decoderLayers + " in [1, " + MAX_LAYERS + "]");
        }
        if (maxSeqLen < MIN_SEQ_LEN || maxSeqLen > MAX_SEQ_LEN) {
            errors.add("max_seq_len=" + maxSeqLen + " must be in [" + MIN_SEQ_LEN + ", " + MAX_SEQ_LEN + "]");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid policy config: " + String.join("; ", errors));
        }
    }

    /** The calibrated architecture (64×64 images, d 128, 4 heads, FFN 512, 1 + 3 layers, 96 tokens). */
    public static PolicyConfig defaults() {
        return new PolicyConfig(64, 32, 8, 128, 4, 512, 1, 3, 96);
    }

    /** A very small model for tests (64×64 images, d 32): milliseconds per step. */
    public static PolicyConfig tiny() {
        return new PolicyConfig(64, 8, 4, 32, 2, 64, 1, 1, 96);
    }

    /** Side of the image feature grid. */
    public int gridSize() {
        return imageSize / STEM_STRIDE;
    }

    /** Width of one attention head. */
    public int headDim() {
        return dModel / heads;
    }

    /** The config as ordered {@code snake_case} key/value pairs (the checkpoint's form). */
    public Map<String, Integer> toMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("image_size", imageSize);
        m.put("stem_channels", stemChannels);
        m.put("norm_groups", normGroups);
        m.put("d_model", dModel);
        m.put("heads", heads);
        m.put("ffn_dim", ffnDim);
        m.put("encoder_layers", encoderLayers);
        m.put("decoder_layers", decoderLayers);
        m.put("max_seq_len", maxSeqLen);
        return m;
    }

    /**
     * Reads {@link #toMap()}'s form.
     *
     * @throws IncompatibleCheckpointException naming every missing or unknown key
     */
    public static PolicyConfig fromMap(Map<String, Integer> m) {
        Map<String, Integer> expected = defaults().toMap();
        List<String> problems = new ArrayList<>();
        for (String k : expected.keySet()) {
            if (!m.containsKey(k)) {
                problems.add("checkpoint config lacks " + k);
            }
        }
        for (String k : m.keySet()) {
            if (!expected.containsKey(k)) {
                problems.add("checkpoint config has unknown key " + k + "=" + m.get(k));
            }
        }
        if (!problems.isEmpty()) {
            throw new IncompatibleCheckpointException(String.join("; ", problems));
        }
        try {
            return new PolicyConfig(
                    m.get("image_size"),
                    m.get("stem_channels"),
                    m.get("norm_groups"),
                    m.get("d_model"),
                    m.get("heads"),
                    m.get("ffn_dim"),
                    m.get("encoder_layers"),
                    m.get("decoder_layers"),
                    m.get("max_seq_len"));
        } catch (IllegalArgumentException e) {
            throw new IncompatibleCheckpointException("checkpoint holds an " + e.getMessage(), e);
        }
    }

    /**
     * Differences to another config, phrased as {@code "checkpoint d_model=256 but code expects
     * d_model=128"} (this = the checkpoint's). Empty when equal.
     */
    public List<String> differencesTo(PolicyConfig expected) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> mine = toMap();
        expected.toMap().forEach((k, v) -> {
            if (!v.equals(mine.get(k))) {
                out.add("checkpoint " + k + "=" + mine.get(k) + " but code expects " + k + "=" + v);
            }
        });
        return out;
    }
}
