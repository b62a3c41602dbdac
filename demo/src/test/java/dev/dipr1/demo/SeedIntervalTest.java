package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.study.SeedInterval;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedIntervalTest {

    @Test
    void threeSeedsUseStudentsTWithTwoDegreesOfFreedom() {
        // mean 2, sample sd 1, se 1/sqrt(3); t(0.975, 2) = 4.302653
        SeedInterval i = SeedInterval.of(List.of(1.0, 2.0, 3.0));
        assertEquals(2.0, i.mean(), 1e-12);
        assertEquals(2.0 - 4.302653 / Math.sqrt(3), i.low(), 1e-5);
        assertEquals(2.0 + 4.302653 / Math.sqrt(3), i.high(), 1e-5);
        assertEquals("2.000 [-0.484, 4.484]", i.text());
    }

    @Test
    void moreSeedsNarrowTheInterval() {
        SeedInterval three = SeedInterval.of(List.of(1.0, 2.0, 3.0));
        SeedInterval six = SeedInterval.of(List.of(1.0, 2.0, 3.0, 1.0, 2.0, 3.0));
        assertTrue(six.high() - six.low() < (three.high() - three.low()) / 2);
    }

    @Test
    void oneSeedHasNoIntervalAndNoneHasNoMean() {
        SeedInterval one = SeedInterval.of(List.of(0.5));
        assertEquals(0.5, one.mean());
        assertTrue(Double.isNaN(one.low()));
        assertEquals("0.500", one.text());
        assertEquals("—", SeedInterval.of(List.of()).text());
    }
}
