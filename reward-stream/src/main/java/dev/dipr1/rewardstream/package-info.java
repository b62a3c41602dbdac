/**
 * The reward stream: a Kafka Streams topology that joins rollout groups with their annotations,
 * scores them with the {@code dev.dipr1.rewards} library and writes scored groups (or dead letters).
 * Also the replay of a rollouts topic with another reward config, and the topology benchmark.
 * No model code: the stream never imports {@code ai.djl}.
 */
package dev.dipr1.rewardstream;
