package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.study.RunSpread;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSpreadTest {

    @Test
    void poolsTheSquaresAroundEachSeedsOwnMeanOverTheirDegreesOfFreedom() {
        // seed A: 1, 3 (mean 2, squares 2, 1 degree); seed B: 2, 2, 5 (mean 3, squares 6, 2 degrees); seed C: one run
        RunSpread s = RunSpread.of(List.of(List.of(1.0, 3.0), List.of(2.0, 2.0, 5.0), List.of(9.0)));
        assertEquals(Math.sqrt(8.0 / 3.0), s.sd(), 1e-12);
        assertEquals(2, s.seeds());
        assertEquals(5, s.runs());
        assertEquals("1.633 (5 runs, 2 seeds)", s.text());
    }

    @Test
    void differencesBetweenSeedsAreNotRunToRunSpread() {
        // far-apart seeds whose runs agree: no spread, however large the differences between seeds
        assertEquals(
                0.0, RunSpread.of(List.of(List.of(0.1, 0.1), List.of(0.9, 0.9))).sd(), 1e-12);
    }

    @Test
    void withoutASeedOfTwoRunsThereIsNoSpread() {
        RunSpread s = RunSpread.of(List.of(List.of(0.5), List.of(0.7)));
        assertTrue(Double.isNaN(s.sd()));
        assertEquals("—", s.text());
    }
}
