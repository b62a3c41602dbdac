package dev.dipr1.demo.study;

import java.util.List;

/**
 * How far runs of the same settings from the same start land apart: the pooled within-seed standard
 * deviation of a metric, sqrt(Σ (x − mean of its seed)² / Σ (runs of the seed − 1)). Seeds with a single
 * run carry no such spread and are left out. An arm-to-arm difference of one run per seed is only as
 * certain as this spread allows (GRPO's asynchronous generation makes runs differ; SFT's do not).
 *
 * @param seeds seeds with at least two runs
 * @param runs runs of those seeds
 * @param sd the pooled standard deviation of one run (NaN when no seed has two runs)
 */
public record RunSpread(int seeds, int runs, double sd) {

    /** The spread of {@code bySeed}: per seed, the metric of each of its runs. */
    public static RunSpread of(List<List<Double>> bySeed) {
        int seeds = 0;
        int runs = 0;
        int degrees = 0;
        double squares = 0;
        for (List<Double> values : bySeed) {
            if (values.size() < 2) {
                continue;
            }
            double mean =
                    values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            for (double v : values) {
                squares += (v - mean) * (v - mean);
            }
            seeds++;
            runs += values.size();
            degrees += values.size() - 1;
        }
        return new RunSpread(seeds, runs, degrees == 0 ? Double.NaN : Math.sqrt(squares / degrees));
    }

    /** {@code 0.004 (9 runs, 3 seeds)}, or a dash without a seed of two runs. */
    public String text() {
        return Double.isNaN(sd)
                ? "—"
                : String.format(
                        java.util.Locale.ROOT, "%.3f (%d runs, %d seed%s)", sd, runs, seeds, seeds == 1 ? "" : "s");
    }
}
