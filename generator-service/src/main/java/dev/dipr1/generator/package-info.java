/**
 * The generator service: prompt tasks in (one consumer group), G sampled completions per prompt
 * out as RolloutGroups, policy updates followed from the compacted policy topic; plus the prompt
 * feeder that publishes a dataset's annotations and prompts. {@link dev.dipr1.generator.GeneratorService}
 * does the Kafka work and calls the pieces: {@code VersionGate} (may this policy version make
 * another group), {@code CurrentPolicy} (hot swap), {@code GroupSampler} (seed and sampling) and
 * {@code RolloutGroups} (the record).
 */
package dev.dipr1.generator;
