package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.learner.AppliedPromptOffsets.Interval;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AppliedPromptOffsetsTest {

    @Test
    void aPromptSeenTwentyThousandGroupsEarlierIsStillADuplicateInOneInterval() {
        AppliedPromptOffsets applied = new AppliedPromptOffsets(16);
        for (long o = 0; o < 20_001; o++) {
            assertTrue(applied.add(0, o), "first time for offset " + o);
        }
        assertFalse(applied.add(0, 0), "20,000 prompts later, offset 0 is still known");
        assertFalse(applied.add(0, 10_000));
        assertEquals(1, applied.intervals(), "contiguous offsets take one interval");
        assertEquals(Map.of(0, List.of(new Interval(0, 20_001))), applied.toMap());
    }

    @Test
    void outOfOrderArrivalsMatchASetOfOffsetsAndMergeBackIntoOneInterval() {
        List<Long> offsets = new ArrayList<>();
        for (long o = 100; o < 5_100; o++) {
            offsets.add(o);
            offsets.add(o); // every prompt twice: a redone prompt
        }
        Collections.shuffle(offsets, new Random(7));
        AppliedPromptOffsets applied = new AppliedPromptOffsets(100_000);
        Set<Long> reference = new HashSet<>();
        for (long o : offsets) {
            assertEquals(reference.add(o), applied.add(3, o), "offset " + o);
        }
        assertEquals(Map.of(3, List.of(new Interval(100, 5_100))), applied.toMap());
        assertEquals(1, applied.intervals());
        assertFalse(applied.contains(3, 99));
        assertFalse(applied.contains(3, 5_100));
        assertFalse(applied.contains(2, 200), "partitions are separate");
    }

    @Test
    void gapsCostOneIntervalEachAndTheOldestIsFilledPastTheBound() {
        AppliedPromptOffsets applied = new AppliedPromptOffsets(3);
        for (long o : new long[] {0, 1, 3, 4, 6, 8}) { // gaps at 2, 5 and 7
            applied.add(0, o);
        }
        assertEquals(3, applied.intervals(), "never more than the bound");
        assertEquals(1, applied.offsetsGivenUp(), "the oldest gap, offset 2, was filled");
        assertFalse(applied.add(0, 2), "a late group of a given-up prompt is dropped, never applied twice");
        assertTrue(applied.add(0, 5), "younger gaps are kept");
        assertEquals(Map.of(0, List.of(new Interval(0, 7), new Interval(8, 9))), applied.toMap());
    }

    @Test
    void theBoundHoldsUnderRandomArrivalsOnSeveralPartitions() {
        AppliedPromptOffsets applied = new AppliedPromptOffsets(50);
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            applied.add(random.nextInt(4), random.nextInt(100_000));
            assertTrue(applied.intervals() <= 50);
        }
        int counted = applied.toMap().values().stream().mapToInt(List::size).sum();
        assertEquals(applied.intervals(), counted);
    }

    @Test
    void aCheckpointedMemoryIsRestoredExactly() {
        AppliedPromptOffsets applied = new AppliedPromptOffsets(100);
        for (long o : new long[] {5, 6, 7, 9, 40, 41}) {
            applied.add(1, o);
        }
        applied.add(0, 0);
        AppliedPromptOffsets restored = new AppliedPromptOffsets(100);
        restored.addAll(applied.toMap());
        assertEquals(applied.toMap(), restored.toMap());
        assertEquals(applied.intervals(), restored.intervals());
        assertFalse(restored.add(1, 9));
        assertTrue(restored.add(1, 8));
        assertEquals(
                List.of(new Interval(5, 10), new Interval(40, 42)),
                restored.toMap().get(1));
    }

    @Test
    void coordinatesNoPromptCanHaveAreRefused() {
        AppliedPromptOffsets applied = new AppliedPromptOffsets(10);
        assertFalse(AppliedPromptOffsets.known(-1, -1));
        assertFalse(AppliedPromptOffsets.known(0, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> applied.add(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new AppliedPromptOffsets(0));
    }
}
