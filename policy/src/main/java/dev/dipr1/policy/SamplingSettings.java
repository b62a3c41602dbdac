package dev.dipr1.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * How to sample completions. Every setting is checked when the record is made; a bad one fails
 * with a message that says what to change.
 *
 * @param temperature logits are divided by it; finite, in (0, {@value #MAX_TEMPERATURE}] (use
 *     {@link Sampler#greedy} for argmax)
 * @param topP nucleus: sample among the most likely tokens whose probabilities (under the
 *     temperature) sum to at least {@code topP}; in (0, 1], 1 = the full distribution
 * @param maxTokens the most completion tokens to generate (including {@code <eos>}), 1 to
 *     {@value PolicyConfig#MAX_SEQ_LEN}; further limited by the model's {@code max_seq_len} minus
 *     the prompt
 * @param seed seeds the Gumbel noise: the same seed, policy and image give the same samples
 */
public record SamplingSettings(float temperature, float topP, int maxTokens, long seed) {

    /** Above this the distribution is practically uniform: a typo, not a setting. */
    public static final float MAX_TEMPERATURE = 10f;
    /** Sample from the temperature-1 distribution. */
    public static final float DEFAULT_TEMPERATURE = 1f;
    /** No nucleus cut. */
    public static final float DEFAULT_TOP_P = 1f;
    /** The longest completion the default architecture holds: max_seq_len 96 − prompt 5. */
    public static final int DEFAULT_MAX_TOKENS = 91;
    /** The seed of {@link #defaults()}. */
    public static final long DEFAULT_SEED = 0L;

    /** Whether {@code t} can be {@link #temperature()}: finite and in (0, {@value #MAX_TEMPERATURE}]. */
    public static boolean isTemperature(float t) {
        return t > 0 && t <= MAX_TEMPERATURE;
    }

    public SamplingSettings {
        List<String> errors = new ArrayList<>();
        if (!isTemperature(temperature)) {
            errors.add("temperature=" + temperature + " must be finite and in (0, " + MAX_TEMPERATURE
                    + "]; for argmax decoding use Sampler.greedy");
        }
        if (!(topP > 0 && topP <= 1)) {
            errors.add("top_p=" + topP + " must be in (0, 1]; use 1 for the full distribution");
        }
        if (maxTokens <= 0 || maxTokens > PolicyConfig.MAX_SEQ_LEN) {
            errors.add("max_tokens=" + maxTokens + " must be in [1, " + PolicyConfig.MAX_SEQ_LEN + "]");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid sampling settings: " + String.join("; ", errors));
        }
    }

    /** {@link #defaults(long)} with {@link #DEFAULT_SEED}. */
    public static SamplingSettings defaults() {
        return defaults(DEFAULT_SEED);
    }

    /** Temperature {@value #DEFAULT_TEMPERATURE}, top-p {@value #DEFAULT_TOP_P}, up to {@value #DEFAULT_MAX_TOKENS} tokens. */
    public static SamplingSettings defaults(long seed) {
        return new SamplingSettings(DEFAULT_TEMPERATURE, DEFAULT_TOP_P, DEFAULT_MAX_TOKENS, seed);
    }

    /** These settings with another token budget. */
    public SamplingSettings withMaxTokens(int maxTokens) {
        return new SamplingSettings(temperature, topP, maxTokens, seed);
    }
}
