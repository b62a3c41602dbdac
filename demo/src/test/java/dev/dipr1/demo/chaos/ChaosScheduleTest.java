package dev.dipr1.demo.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.chaos.ChaosSchedule.Fault;
import dev.dipr1.demo.chaos.ChaosSchedule.Kind;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosScheduleTest {

    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
        assertEquals(ChaosSchedule.of(7, 3, 2, 2), ChaosSchedule.of(7, 3, 2, 2));
        assertNotEquals(
                ChaosSchedule.of(7, 3, 2, 2).faults(),
                ChaosSchedule.of(8, 3, 2, 2).faults());
    }

    @Test
    void aThreeMinuteRunHoldsEveryKindOnceInsideTheFaultWindowWithShortBrokerStops() {
        for (long seed = 1; seed <= 20; seed++) {
            ChaosSchedule s = ChaosSchedule.of(seed, 3, 2, 2);
            assertEquals(Map.copyOf(countAll(1)), Map.copyOf(count(s.faults())), "seed " + seed);
            assertFaultsApartInWindow(s);
            Fault stop = s.faults().stream()
                    .filter(f -> f.kind() == Kind.STOP_BROKER)
                    .findFirst()
                    .orElseThrow();
            assertTrue(stop.durationSeconds() >= 8 && stop.durationSeconds() <= 15, stop.toString());
            assertTrue(s.feedEndSeconds() <= s.endSeconds(), "the feed stops before the planned end");
        }
    }

    @Test
    void aTenMinuteRunHoldsTwoRoundsAndStopsTheBrokerForThirtyToOneHundredTwentySeconds() {
        for (long seed = 1; seed <= 20; seed++) {
            ChaosSchedule s = ChaosSchedule.of(seed, 10, 2, 2);
            assertEquals(Map.copyOf(countAll(2)), Map.copyOf(count(s.faults())), "seed " + seed);
            assertFaultsApartInWindow(s);
            s.faults().stream()
                    .filter(f -> f.kind() == Kind.STOP_BROKER)
                    .forEach(f -> assertTrue(f.durationSeconds() >= 30 && f.durationSeconds() <= 120, f.toString()));
        }
    }

    @Test
    void killTargetsStayWithinTheInstancesAndReachEachOneOverSeeds() {
        boolean[] generatorHit = new boolean[3];
        for (long seed = 1; seed <= 40; seed++) {
            for (Fault f : ChaosSchedule.of(seed, 3, 3, 2).faults()) {
                if (f.kind() == Kind.KILL_GENERATOR) {
                    generatorHit[f.target()] = true;
                }
                if (f.kind() == Kind.KILL_REWARDS || f.kind() == Kind.KILL_LEARNER_IN_CHECKPOINT) {
                    assertTrue(f.target() < 2, f.toString());
                }
            }
        }
        assertTrue(generatorHit[0] && generatorHit[1] && generatorHit[2], Arrays.toString(generatorHit));
    }

    @Test
    void tooShortARunIsRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChaosSchedule.of(1, 2, 2, 2));
        assertTrue(e.getMessage().contains("--minutes"), e.getMessage());
    }

    private static void assertFaultsApartInWindow(ChaosSchedule s) {
        List<Fault> f = s.faults();
        for (int i = 0; i < f.size(); i++) {
            assertTrue(
                    f.get(i).atSeconds() >= s.faultWindowStartSeconds(),
                    f.get(i).toString());
            if (i > 0) {
                Fault prev = f.get(i - 1);
                assertTrue(
                        f.get(i).atSeconds() >= prev.atSeconds() + prev.durationSeconds() + 0.5,
                        "fault " + i + " starts after the previous one ended: " + f);
            }
        }
        Fault last = f.get(f.size() - 1);
        assertTrue(last.atSeconds() + last.durationSeconds() <= s.feedEndSeconds());
    }

    private static Map<Kind, Integer> count(List<Fault> faults) {
        Map<Kind, Integer> m = new EnumMap<>(Kind.class);
        faults.forEach(f -> m.merge(f.kind(), 1, Integer::sum));
        return m;
    }

    private static Map<Kind, Integer> countAll(int n) {
        Map<Kind, Integer> m = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            m.put(k, n);
        }
        return m;
    }

    @Test
    void aTenMinuteRunKillsTheLearnerInBothCheckpointWindows() {
        for (long seed = 1; seed <= 6; seed++) {
            List<Integer> windows = ChaosSchedule.of(seed, 10, 2, 2).faults().stream()
                    .filter(f -> f.kind() == Kind.KILL_LEARNER_IN_CHECKPOINT)
                    .map(Fault::target)
                    .sorted()
                    .toList();
            assertEquals(List.of(0, 1), windows, "seed " + seed);
        }
    }
}
