package dev.dipr1.generator;

/**
 * How a generator samples.
 *
 * @param generatorId id recorded in every rollout group (unique per instance)
 * @param groupSize G, completions per prompt
 * @param temperature sampling temperature (the behaviour log-probs are under it)
 * @param topP nucleus threshold, 1 = none
 * @param maxTokens most completion tokens
 * @param seed base seed; each group's sampler seed derives from it, the group id and the policy version
 * @param maxGroupsPerVersion 0 = unbounded; N &gt; 0 = after N groups with one policy version, wait
 *     for the next version before generating more. N = B·K (the learner's batch times its publish
 *     interval) is synchronous RL; a few times that bounds how far generation runs ahead of the
 *     learner (and so the staleness of what it trains on) without making either wait often.
 */
public record GeneratorSettings(String generatorId, int groupSize, float temperature, float topP, int maxTokens,
        long seed, int maxGroupsPerVersion) {

    public GeneratorSettings {
        if (groupSize < 1) {
            throw new IllegalArgumentException("--group-size must be at least 1, was " + groupSize);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("--temperature must be > 0, was " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], was " + topP);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, was " + maxTokens);
        }
        if (maxGroupsPerVersion < 0) {
            throw new IllegalArgumentException("groups per version must be >= 0, was " + maxGroupsPerVersion);
        }
    }
}
