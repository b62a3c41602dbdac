package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.study.RunTrend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunTrendTest {

    @Test
    void aStraightLineIsReadExactlyFromFirstToLastStep() {
        List<Double> line = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            line.add(0.5 + 0.01 * i);
        }
        RunTrend t = RunTrend.of(line);
        assertEquals(11, t.n());
        assertEquals(0.1, t.change(), 1e-12);
        assertEquals(0.1, t.low(), 1e-9);
        assertEquals(0.1, t.high(), 1e-9);
    }

    @Test
    void theIntervalIsStudentsTOnTheResiduals() {
        // x̄ = ȳ = 1.5, Sxx = 5, Sxy = 4: slope 0.8, change 2.4 over 3 steps; residual SS 1.8,
        // se(slope) = sqrt(1.8 / 2 / 5), t(0.975, 2) = 4.302653
        RunTrend t = RunTrend.of(List.of(0.0, 2.0, 1.0, 3.0));
        double half = 4.302653 * Math.sqrt(0.18) * 3;
        assertEquals(2.4, t.change(), 1e-12);
        assertEquals(2.4 - half, t.low(), 1e-5);
        assertEquals(2.4 + half, t.high(), 1e-5);
        assertEquals("+2.400 [-3.076, +7.876]", t.text());
    }

    @Test
    void noiseWithoutATrendStraddlesZeroAndASmallTrendUnderTheSameNoiseDoesNot() {
        List<Double> flat = new ArrayList<>();
        List<Double> rising = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double noise = (i % 2 == 0 ? 0.05 : -0.05) * (1 + (i % 7) / 7.0);
            flat.add(0.7 + noise);
            rising.add(0.7 + noise + 0.1 * i / 199.0);
        }
        RunTrend none = RunTrend.of(flat);
        RunTrend some = RunTrend.of(rising);
        assertTrue(none.low() < 0 && none.high() > 0, none.text());
        assertEquals(0.1, some.change() - none.change(), 1e-9);
        assertTrue(some.low() > 0, some.text());
    }

    @Test
    void missingStepsAreSkippedAndTooFewStepsHaveNoInterval() {
        RunTrend two = RunTrend.of(List.of(1.0, Double.NaN, 3.0));
        assertEquals(2, two.n());
        assertEquals(2.0, two.change(), 1e-12);
        assertTrue(Double.isNaN(two.low()));
        assertEquals("+2.000", two.text());
        assertEquals("—", RunTrend.of(List.of(1.0)).text());
    }
}
