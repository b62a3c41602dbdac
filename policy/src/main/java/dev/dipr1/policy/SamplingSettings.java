package dev.dipr1.policy;

/**
 * How to sample completions.
 *
 * @param temperature logits are divided by it; must be > 0 (use {@link Sampler#greedy} for argmax)
 * @param topP nucleus: sample among the most likely tokens whose probabilities (under the
 *     temperature) sum to at least {@code topP}; 1 = the full distribution
 * @param maxTokens the most completion tokens to generate (including {@code <eos>}); limited by
 *     the model's {@code max_seq_len} minus the prompt
 * @param seed seeds the Gumbel noise: the same seed, policy and image give the same samples
 */
public record SamplingSettings(float temperature, float topP, int maxTokens, long seed) {

    public SamplingSettings {
        if (!(temperature > 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0 and finite, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("max_tokens must be > 0, got " + maxTokens);
        }
    }

    /** Temperature 1, no top-p, up to 91 tokens. */
    public static SamplingSettings defaults(long seed) {
        return new SamplingSettings(1f, 1f, 91, seed);
    }
}
