package dev.dipr1.rewardstream;

import dev.dipr1.rewards.RewardConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the reward topology needs besides its topics, validated on construction: a value out of
 * range or an impossible combination fails with a message naming the option to change.
 *
 * @param rewards the reward configuration (rewards.md §6)
 * @param annotationWait how long a group whose sample has no annotation yet is held before it is
 *        dead-lettered, in [0, {@link #MAX_ANNOTATION_WAIT}]; 0 dead-letters it at once (replay)
 * @param retryInterval how often held groups are retried, &gt; 0 and at most the annotation wait
 * @param maxGroupSize groups with more completions are dead-lettered, in [1, {@value #MAX_GROUP_SIZE_LIMIT}]
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

    public static final Duration DEFAULT_ANNOTATION_WAIT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_GROUP_SIZE = 64;

    /** Held groups live in a state store; a day is longer than any annotation is worth waiting for. */
    public static final Duration MAX_ANNOTATION_WAIT = Duration.ofDays(1);
    /** The look reward's clustering is quadratic in G: a bigger group is a mistake, not a workload. */
    public static final int MAX_GROUP_SIZE_LIMIT = 1024;

    public RewardStreamSettings {
        Objects.requireNonNull(rewards, "rewards");
        Objects.requireNonNull(annotationWait, "annotationWait");
        Objects.requireNonNull(retryInterval, "retryInterval");
        if (annotationWait.isNegative() || annotationWait.compareTo(MAX_ANNOTATION_WAIT) > 0) {
            throw new IllegalArgumentException("--annotation-wait must be between 0 and " + MAX_ANNOTATION_WAIT
                    + ", was " + annotationWait + ": change --annotation-wait (default " + DEFAULT_ANNOTATION_WAIT
                    + ")");
        }
        if (retryInterval.isNegative() || retryInterval.isZero()) {
            throw new IllegalArgumentException("--retry-interval must be positive, was " + retryInterval);
        }
        if (!annotationWait.isZero() && retryInterval.compareTo(annotationWait) > 0) {
            throw new IllegalArgumentException("--retry-interval (" + retryInterval + ") must not exceed "
                    + "--annotation-wait (" + annotationWait + "), or held groups are dead-lettered late: "
                    + "shorten --retry-interval or lengthen --annotation-wait");
        }
        if (maxGroupSize < 1 || maxGroupSize > MAX_GROUP_SIZE_LIMIT) {
            throw new IllegalArgumentException("--max-group-size must be between 1 and " + MAX_GROUP_SIZE_LIMIT
                    + ", was " + maxGroupSize + ": change --max-group-size (default " + DEFAULT_MAX_GROUP_SIZE + ")");
        }
        if (fromTimestampMs < 0) {
            throw new IllegalArgumentException("--from-time must not be before 1970-01-01T00:00:00Z, was "
                    + fromTimestampMs + " ms: change --from-time");
        }
        if (fromTimestampMs >= untilTimestampMs) {
            throw new IllegalArgumentException("the time range is empty: --from-time must be before --until-time");
        }
    }

    /** The live stream's settings: wait for late annotations, score every rollout. */
    public static RewardStreamSettings defaults(RewardConfig rewards) {
        return new RewardStreamSettings(
                rewards, DEFAULT_ANNOTATION_WAIT, DEFAULT_RETRY_INTERVAL, DEFAULT_MAX_GROUP_SIZE, 0L, Long.MAX_VALUE);
    }

    /** The same settings with another annotation wait. */
    public RewardStreamSettings withAnnotationWait(Duration wait) {
        return new RewardStreamSettings(rewards, wait, retryInterval, maxGroupSize, fromTimestampMs, untilTimestampMs);
    }

    /** The same settings scoring only rollouts with a timestamp in [fromMs, untilMs). */
    public RewardStreamSettings withTimeRange(long fromMs, long untilMs) {
        return new RewardStreamSettings(rewards, annotationWait, retryInterval, maxGroupSize, fromMs, untilMs);
    }
}
