package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.common.Seeds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainingOrderTest {

    @Test
    void everyEpochVisitsEverySceneOnceInItsOwnOrder() {
        TrainingOrder order = new TrainingOrder(5, 50);
        List<List<Long>> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                seen.add(order.sceneIndex(e * 50L + i));
            }
            Set<Long> distinct = new HashSet<>(seen);
            assertEquals(50, distinct.size(), "epoch " + e + " repeats a scene");
            assertEquals(0L, distinct.stream().mapToLong(Long::longValue).min().orElseThrow());
            assertEquals(49L, distinct.stream().mapToLong(Long::longValue).max().orElseThrow());
            epochs.add(seen);
        }
        assertNotEquals(epochs.get(0), epochs.get(1), "each epoch is shuffled anew");
        assertNotEquals(epochs.get(1), epochs.get(2));
    }

    @Test
    void theOrderIsAFunctionOfSeedAndPosition() {
        TrainingOrder a = new TrainingOrder(5, 50);
        TrainingOrder b = new TrainingOrder(5, 50);
        // b jumps between epochs, a walks through them: the cache must not change an answer
        for (long p = 0; p < 150; p++) {
            long q = (p * 37) % 150;
            assertEquals(new TrainingOrder(5, 50).sceneIndex(q), b.sceneIndex(q));
            a.sceneIndex(p);
        }
        assertNotEquals(seq(new TrainingOrder(5, 50)), seq(new TrainingOrder(6, 50)), "another seed, another order");
    }

    @Test
    void withoutAFixedSetEveryPositionHasAFreshSceneAndTheOldFlip() {
        TrainingOrder order = new TrainingOrder(4, 0);
        for (long p = 0; p < 100; p++) {
            assertEquals(p, order.sceneIndex(p));
            // the flip SftTrainer drew before the fixed training set existed
            assertEquals((Seeds.derive(4, p) & 1L) == 1L, order.flipped(p));
        }
    }

    @Test
    void shuffleIsAPermutationAndMovesThings() {
        int[] p = TrainingOrder.shuffled(123, 1000);
        boolean[] seen = new boolean[1000];
        int fixed = 0;
        for (int i = 0; i < p.length; i++) {
            seen[p[i]] = true;
            if (p[i] == i) {
                fixed++;
            }
        }
        for (boolean s : seen) {
            assertTrue(s);
        }
        // a uniform permutation has about one fixed point
        assertTrue(fixed < 10, fixed + " fixed points");
    }

    private static List<Long> seq(TrainingOrder o) {
        List<Long> out = new ArrayList<>();
        for (long p = 0; p < 50; p++) {
            out.add(o.sceneIndex(p));
        }
        return out;
    }
}
