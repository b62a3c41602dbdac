package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.learner.GroupFilter.Decision;
import dev.dipr1.learner.GroupFilter.DropReason;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupFilterTest {

    private static GroupFilter filter(int maxStaleness, boolean skipZeroVariance) {
        return new GroupFilter(maxStaleness, skipZeroVariance, new RecentGroupIds(RecentGroupIds.DEFAULT_CAPACITY));
    }

    @Test
    void freshGroupIsAcceptedWithItsStaleness() {
        Decision d = filter(4, true).judge("a", 3, false, 5);
        assertTrue(d.accepted());
        assertEquals(Optional.empty(), d.dropReason());
        assertEquals(2, d.staleness());
        assertFalse(d.zeroVariance());
    }

    @Test
    void stalenessExactlyAtTheBoundIsAcceptedOneMoreIsDropped() {
        GroupFilter f = filter(2, true);
        assertTrue(f.judge("at-bound", 8, false, 10).accepted());
        Decision over = f.judge("over-bound", 7, false, 10);
        assertEquals(Optional.of(DropReason.STALE), over.dropReason());
        assertEquals(3, over.staleness());
    }

    @Test
    void zeroStalenessBoundMeansSynchronous() {
        GroupFilter f = filter(0, true);
        assertTrue(f.judge("same", 4, false, 4).accepted());
        assertEquals(
                Optional.of(DropReason.STALE),
                f.judge("one-behind", 3, false, 4).dropReason());
    }

    @Test
    void secondCopyOfAnIdIsADuplicateEvenWhenTheFirstWasDropped() {
        GroupFilter f = filter(0, true);
        assertEquals(Optional.of(DropReason.STALE), f.judge("g", 0, false, 5).dropReason());
        assertEquals(
                Optional.of(DropReason.DUPLICATE), f.judge("g", 5, false, 5).dropReason());
    }

    @Test
    void aRedonePromptIsADuplicateLongAfterItsIdLeftTheWindowOfRecentIds() {
        GroupFilter f = new GroupFilter(100, false, new RecentGroupIds(8), new AppliedPromptOffsets(16));
        assertTrue(f.judge("p0/e0", 0, 0, 0, false, 0).accepted());
        for (int o = 1; o <= 20_000; o++) {
            assertTrue(f.judge("p" + o + "/e0", 0, o, 0, false, 0).accepted());
        }
        Decision again = f.judge("p0/e0", 0, 0, 0, false, 0);
        assertEquals(Optional.of(DropReason.DUPLICATE), again.dropReason(), "20,000 groups later");
        assertTrue(
                f.judge("p1/e0", -1, -1, 0, false, 0).accepted(),
                "without coordinates only the (forgetful) window of ids can tell");
    }

    @Test
    void theSameIdFromAnotherPromptRecordIsStillADuplicateWithinTheWindow() {
        GroupFilter f = new GroupFilter(100, false, new RecentGroupIds(8), new AppliedPromptOffsets(16));
        assertTrue(f.judge("s/e0", 0, 4, 0, false, 0).accepted());
        // a feeder that published sample s, epoch 0 twice: new coordinates, same group id
        assertEquals(
                Optional.of(DropReason.DUPLICATE),
                f.judge("s/e0", 0, 9, 0, false, 0).dropReason());
        assertEquals(
                Optional.of(DropReason.DUPLICATE),
                f.judge("t/e0", 0, 9, 0, false, 0).dropReason(),
                "its coordinates were remembered although it was a duplicate");
    }

    @Test
    void duplicateCheckComesBeforeStalenessAndVariance() {
        GroupFilter f = filter(0, true);
        f.judge("g", 5, false, 5);
        Decision d = f.judge("g", 0, true, 5);
        assertEquals(Optional.of(DropReason.DUPLICATE), d.dropReason());
        assertFalse(d.zeroVariance(), "a duplicate does not count towards the zero-variance fraction");
    }

    @Test
    void duplicateBeyondTheMemorySizeIsAcceptedAgain() {
        GroupFilter f = new GroupFilter(10, true, new RecentGroupIds(2));
        assertTrue(f.judge("a", 0, false, 0).accepted());
        assertTrue(f.judge("b", 0, false, 0).accepted());
        assertFalse(f.judge("b", 0, false, 0).accepted(), "still remembered");
        assertTrue(f.judge("c", 0, false, 0).accepted()); // forgets "a"
        assertTrue(f.judge("a", 0, false, 0).accepted(), "forgotten, so no longer a duplicate");
        assertFalse(f.judge("c", 0, false, 0).accepted());
    }

    @Test
    void zeroVarianceIsDroppedWhenSkippingAndCounted() {
        Decision d = filter(4, true).judge("z", 0, true, 0);
        assertEquals(Optional.of(DropReason.ZERO_VARIANCE), d.dropReason());
        assertTrue(d.zeroVariance());
    }

    @Test
    void zeroVarianceWithSkippingOffIsAcceptedAndStillCounted() {
        Decision d = filter(4, false).judge("z", 0, true, 0);
        assertTrue(d.accepted());
        assertTrue(d.zeroVariance());
    }

    @Test
    void staleZeroVarianceGroupIsDroppedAsStaleAndNotCounted() {
        Decision d = filter(1, true).judge("z", 0, true, 2);
        assertEquals(Optional.of(DropReason.STALE), d.dropReason());
        assertFalse(d.zeroVariance());
    }

    @Test
    void judgesAScoredGroupByItsIdVersionAndVarianceFlag() {
        GroupFilter f = filter(1, true);
        var g = ScoredGroups.group("s/e0", 3, 1.0, 0, ScoredGroups.Sample.of(new int[] {1}, new float[] {-1f}, 0));
        assertEquals(1, f.judge(g, 4).staleness());
        assertEquals(Optional.of(DropReason.DUPLICATE), f.judge(g, 4).dropReason());
    }

    @Test
    void memoryKeepsTheNewestIdsOldestFirstAndRestoresFromAList() {
        RecentGroupIds ids = new RecentGroupIds(3);
        for (String id : List.of("a", "b", "c", "b", "d")) {
            ids.remember(id);
        }
        assertEquals(List.of("b", "c", "d"), ids.toList());
        RecentGroupIds restored = new RecentGroupIds(3);
        restored.rememberAll(ids.toList());
        assertEquals(ids.toList(), restored.toList());
        assertFalse(restored.remember("c"));
        assertThrows(IllegalArgumentException.class, () -> new RecentGroupIds(0));
    }

    @Test
    void dropReasonsCarryTheirMetricTags() {
        assertEquals("duplicate", DropReason.DUPLICATE.tag());
        assertEquals("stale", DropReason.STALE.tag());
        assertEquals("zero_variance", DropReason.ZERO_VARIANCE.tag());
    }
}
