package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spec §5. */
class AdvantagesTest {

    static final RewardConfig GRPO = RewardConfig.defaults();
    static final RewardConfig DR_GRPO = new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1e-4, false);

    @Test
    void groupOfOneHasZeroAdvantage() {
        GroupAdvantages a = Advantages.of(new double[] {2.5}, GRPO);
        assertArrayEquals(new double[] {0.0}, a.advantages());
        assertEquals(2.5, a.mean());
        assertEquals(0.0, a.std());
        assertTrue(a.zeroVariance());
    }

    @Test
    void equalRewardsAreZeroVariance() {
        GroupAdvantages a = Advantages.of(new double[] {1.5, 1.5, 1.5}, GRPO);
        assertTrue(a.zeroVariance());
        assertArrayEquals(new double[] {0, 0, 0}, a.advantages());
    }

    @Test
    void rewardsWithin1e9AreZeroVarianceAndBeyondAreNot() {
        GroupAdvantages a = Advantages.of(new double[] {1.0, 1.0 + 5e-10, 1.0 - 4e-10}, GRPO);
        assertTrue(a.zeroVariance());
        assertArrayEquals(new double[] {0, 0, 0}, a.advantages());
        GroupAdvantages b = Advantages.of(new double[] {1.0, 1.0 + 2e-9}, GRPO);
        assertFalse(b.zeroVariance());
    }

    @Test
    void besselCorrectedStd() {
        GroupAdvantages a = Advantages.of(new double[] {1, 2, 3}, GRPO);
        assertEquals(2.0, a.mean());
        assertEquals(1.0, a.std()); // sqrt((1 + 0 + 1) / 2)
        assertArrayEquals(new double[] {-1 / 1.0001, 0, 1 / 1.0001}, a.advantages(), 1e-15);
    }

    @Test
    void twoCompletions() {
        GroupAdvantages a = Advantages.of(new double[] {0, 1}, GRPO);
        double std = Math.sqrt(0.5);
        assertEquals(std, a.std(), 1e-15);
        assertEquals(-0.5 / (std + 1e-4), a.advantages()[0], 1e-15);
        assertEquals(0.5 / (std + 1e-4), a.advantages()[1], 1e-15);
    }

    @Test
    void drGrpoDoesNotDivideByStd() {
        GroupAdvantages a = Advantages.of(new double[] {0, 1, 2, 5}, DR_GRPO);
        assertArrayEquals(new double[] {-2, -1, 0, 3}, a.advantages(), 0.0);
    }

    @Test
    void epsilonIsAddedToStd() {
        RewardConfig bigEps = new RewardConfig(0.5, true, 0.5, 0.5, 0.5, 0.5, 0.25, 1, 1, 1, 1.0, true);
        GroupAdvantages a = Advantages.of(new double[] {1, 2, 3}, bigEps);
        assertArrayEquals(new double[] {-0.5, 0, 0.5}, a.advantages(), 1e-15);
    }

    @Test
    void emptyGroupIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Advantages.of(new double[0], GRPO));
    }
}
