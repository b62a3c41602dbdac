/**
 * The DIP-R1 scoring library (reward version {@value dev.dipr1.rewards.RewardConfig#REWARD_VERSION}):
 * completion parser, IoU, exact matching, the format / look / accuracy rewards and group
 * advantages, implementing {@code spec/rewards.md} to the letter. Pure Java (JDK + Jackson, which
 * reads the {@code bbox_2d} object form of box blocks, JSON Lines and the config's JSON): no Kafka,
 * no model.
 */
package dev.dipr1.rewards;
