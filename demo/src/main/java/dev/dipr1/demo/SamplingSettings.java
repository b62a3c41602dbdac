package dev.dipr1.demo;

import dev.dipr1.generator.GeneratorSettings;

/**
 * How the demo's generators sample a group.
 *
 * @param groupSize G, completions per prompt: 2..{@value GeneratorSettings#MAX_GROUP_SIZE} (GRPO compares
 *     completions within a group)
 * @param temperature sampling temperature: finite, in (0, {@value GeneratorSettings#MAX_TEMPERATURE}]
 */
public record SamplingSettings(int groupSize, float temperature) {

    /** Checks both fields; the message names the option to change. */
    public SamplingSettings {
        if (groupSize < 2 || groupSize > GeneratorSettings.MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("--group-size must be between 2 and " + GeneratorSettings.MAX_GROUP_SIZE
                    + " (GRPO compares the completions of a group; the reward stream dead-letters larger groups), was "
                    + groupSize);
        }
        if (!Float.isFinite(temperature) || temperature <= 0 || temperature > GeneratorSettings.MAX_TEMPERATURE) {
            throw new IllegalArgumentException("--temperature must be in (0, " + GeneratorSettings.MAX_TEMPERATURE
                    + "] (e.g. " + GeneratorSettings.DEFAULT_TEMPERATURE + "), was " + temperature);
        }
    }

    /** The generators' defaults: G = {@value GeneratorSettings#DEFAULT_GROUP_SIZE} at their temperature. */
    public static SamplingSettings defaults() {
        return new SamplingSettings(GeneratorSettings.DEFAULT_GROUP_SIZE, GeneratorSettings.DEFAULT_TEMPERATURE);
    }
}
