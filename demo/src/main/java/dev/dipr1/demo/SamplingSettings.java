package dev.dipr1.demo;

/**
 * How the demo's generators sample a group.
 *
 * @param groupSize G, completions per prompt: 2..64 (GRPO compares completions within a group)
 * @param temperature sampling temperature: finite, in (0, 10]
 */
public record SamplingSettings(int groupSize, float temperature) {

    /** Checks both fields; the message names the option to change. */
    public SamplingSettings {
        if (groupSize < 2 || groupSize > 64) {
            throw new IllegalArgumentException("--group-size must be between 2 and 64 (GRPO compares the completions "
                    + "of a group; more than 64 does not fit the learner's batch), was " + groupSize);
        }
        if (!Float.isFinite(temperature) || temperature <= 0 || temperature > 10) {
            throw new IllegalArgumentException("--temperature must be in (0, 10] (e.g. 0.7), was " + temperature);
        }
    }

    /** G = 8 at temperature 0.7. */
    public static SamplingSettings defaults() {
        return new SamplingSettings(8, 0.7f);
    }
}
