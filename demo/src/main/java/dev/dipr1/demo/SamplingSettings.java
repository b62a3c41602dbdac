package dev.dipr1.demo;

import dev.dipr1.generator.GeneratorSettings;

/**
 * How the demo's generators sample a group.
 *
 * @param groupSize G, completions per prompt: 2..{@value GeneratorSettings#MAX_GROUP_SIZE} (GRPO compares
 *     completions within a group)
 * @param temperature sampling temperature: finite, in (0, {@value GeneratorSettings#MAX_TEMPERATURE}]
 * @param leadVersions L of the cumulative bound on how far generation runs ahead of the learner
 *     ({@code LeadGate}); 0 = the per-version bound of {@link RlLoop#groupsPerVersion} instead
 * @param promptsPerBatch P, prompts decoded together by a generator
 */
public record SamplingSettings(int groupSize, float temperature, int leadVersions, int promptsPerBatch) {

    /**
     * Trained groups at most about two versions old: one version of lead lets the generator idle
     * while the learner steps, more lets them age.
     */
    public static final int DEFAULT_LEAD_VERSIONS = 2;

    /** Checks every field; the message names the option to change. */
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
        if (leadVersions < 0) {
            throw new IllegalArgumentException(
                    "--lead-versions must be 0 (the per-version bound) or positive, was " + leadVersions);
        }
        if (promptsPerBatch < 1 || (long) promptsPerBatch * groupSize > dev.dipr1.policy.Sampler.MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("--prompts-per-batch must be at least 1 and times --group-size at most "
                    + dev.dipr1.policy.Sampler.MAX_GROUP_SIZE + ", was " + promptsPerBatch);
        }
    }

    /** G and temperature with the default bound and batching. */
    public SamplingSettings(int groupSize, float temperature) {
        this(groupSize, temperature, DEFAULT_LEAD_VERSIONS, GeneratorSettings.DEFAULT_PROMPTS_PER_BATCH);
    }

    /** The generators' defaults: G = {@value GeneratorSettings#DEFAULT_GROUP_SIZE} at their temperature. */
    public static SamplingSettings defaults() {
        return new SamplingSettings(GeneratorSettings.DEFAULT_GROUP_SIZE, GeneratorSettings.DEFAULT_TEMPERATURE);
    }
}
