package dev.dipr1.rewardstream;

import dev.dipr1.rewards.RewardConfig;
import java.time.Duration;

/**
 * Everything the reward topology needs besides its topics.
 *
 * @param rewards the reward configuration (rewards.md §6)
 * @param annotationWait how long a group whose sample has no annotation yet is held before it is dead-lettered
 * @param retryInterval how often held groups are retried
 * @param maxGroupSize groups with more completions are dead-lettered
 * @param fromTimestampMs only rollouts with a timestamp at or after this are scored (replay); 0 = all
 * @param untilTimestampMs only rollouts with a timestamp before this are scored (replay); Long.MAX_VALUE = all
 */
public record RewardStreamSettings(
        RewardConfig rewards,
        Duration annotationWait,
        Duration retryInterval,
        int maxGroupSize,
        long fromTimestampMs,
        long untilTimestampMs) {

    public static final int DEFAULT_MAX_GROUP_SIZE = 64;

    public RewardStreamSettings {
        if (annotationWait.isNegative()) {
            throw new IllegalArgumentException("--annotation-wait must not be negative");
        }
        if (retryInterval.isNegative() || retryInterval.isZero()) {
            throw new IllegalArgumentException("--retry-interval must be positive");
        }
        if (maxGroupSize < 1) {
            throw new IllegalArgumentException("--max-group-size must be at least 1, was " + maxGroupSize);
        }
        if (fromTimestampMs >= untilTimestampMs) {
            throw new IllegalArgumentException("the time range is empty: --from-time must be before --until-time");
        }
    }

    public static RewardStreamSettings defaults(RewardConfig rewards) {
        return new RewardStreamSettings(rewards, Duration.ofSeconds(30), Duration.ofSeconds(1),
                DEFAULT_MAX_GROUP_SIZE, 0L, Long.MAX_VALUE);
    }

    public RewardStreamSettings withAnnotationWait(Duration wait) {
        return new RewardStreamSettings(rewards, wait, retryInterval, maxGroupSize, fromTimestampMs, untilTimestampMs);
    }

    public RewardStreamSettings withTimeRange(long fromMs, long untilMs) {
        return new RewardStreamSettings(rewards, annotationWait, retryInterval, maxGroupSize, fromMs, untilMs);
    }
}
