package dev.dipr1.rewardstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.rewards.RewardConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The reward stream's settings reject what cannot work, naming the option to change. */
class RewardStreamSettingsTest {

    static final RewardStreamSettings D = RewardStreamSettings.defaults(RewardConfig.defaults());

    static void assertRejected(String option, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(option), e.getMessage());
    }

    static RewardStreamSettings with(Duration wait, Duration retry, int maxGroupSize) {
        return new RewardStreamSettings(RewardConfig.defaults(), wait, retry, maxGroupSize, 0L, Long.MAX_VALUE);
    }

    @Test
    void defaultsWaitForLateAnnotationsAndScoreEverything() {
        assertEquals(Duration.ofSeconds(30), D.annotationWait());
        assertEquals(Duration.ofSeconds(1), D.retryInterval());
        assertEquals(64, D.maxGroupSize());
        assertEquals(0L, D.fromTimestampMs());
        assertEquals(Long.MAX_VALUE, D.untilTimestampMs());
        assertEquals(RewardConfig.defaults(), D.rewards());
    }

    @Test
    void annotationWaitIsBetweenZeroAndADay() {
        assertRejected("--annotation-wait", () -> D.withAnnotationWait(Duration.ofMillis(-1)));
        assertRejected(
                "--annotation-wait",
                () -> D.withAnnotationWait(Duration.ofDays(1).plusMillis(1)));
        assertEquals(Duration.ZERO, D.withAnnotationWait(Duration.ZERO).annotationWait());
        assertEquals(
                Duration.ofDays(1), D.withAnnotationWait(Duration.ofDays(1)).annotationWait());
    }

    @Test
    void retryIntervalIsPositiveAndWithinTheWait() {
        assertRejected("--retry-interval", () -> with(Duration.ofSeconds(30), Duration.ZERO, 64));
        assertRejected("--retry-interval", () -> with(Duration.ofSeconds(2), Duration.ofSeconds(3), 64));
        with(Duration.ofSeconds(3), Duration.ofSeconds(3), 64);
        with(Duration.ZERO, Duration.ofSeconds(3), 64); // no wait: the retry never runs
    }

    @Test
    void groupSizeLimitIsBounded() {
        assertRejected("--max-group-size", () -> with(Duration.ofSeconds(30), Duration.ofSeconds(1), 0));
        assertRejected(
                "--max-group-size",
                () -> with(
                        Duration.ofSeconds(30), Duration.ofSeconds(1), RewardStreamSettings.MAX_GROUP_SIZE_LIMIT + 1));
        with(Duration.ofSeconds(30), Duration.ofSeconds(1), RewardStreamSettings.MAX_GROUP_SIZE_LIMIT);
    }

    @Test
    void timeRangeIsNonEmptyAndAfter1970() {
        assertRejected("--from-time", () -> D.withTimeRange(5, 5));
        assertRejected("--from-time", () -> D.withTimeRange(-1, 5));
        RewardStreamSettings r = D.withTimeRange(5, 6);
        assertEquals(5, r.fromTimestampMs());
        assertEquals(6, r.untilTimestampMs());
    }

    @Test
    void nothingIsNull() {
        assertThrows(NullPointerException.class, () -> RewardStreamSettings.defaults(null));
        assertThrows(NullPointerException.class, () -> D.withAnnotationWait(null));
    }
}
