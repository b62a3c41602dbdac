package dev.dipr1.demo.study;

import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * The mean of a metric across seeds and its 95% confidence interval, Student's t with n − 1
 * degrees of freedom (seeds are few: with 3 the half-width is 4.30 standard errors, not 1.96).
 *
 * @param n how many seeds
 * @param mean their mean
 * @param low lower end of the 95% interval (NaN with one seed: no spread to measure)
 * @param high upper end of the 95% interval (NaN with one seed)
 */
public record SeedInterval(int n, double mean, double low, double high) {

    /** The interval of {@code values}, one per seed; none gives NaN everywhere. */
    public static SeedInterval of(List<Double> values) {
        int n = values.size();
        if (n == 0) {
            return new SeedInterval(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        if (n == 1) {
            return new SeedInterval(1, mean, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double se = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
        double t = new TDistribution(n - 1).inverseCumulativeProbability(0.975);
        return new SeedInterval(n, mean, mean - t * se, mean + t * se);
    }

    /** {@code 0.612 [0.598, 0.626]}, or the mean alone without an interval. */
    public String text() {
        if (Double.isNaN(mean)) {
            return "—";
        }
        if (Double.isNaN(low)) {
            return String.format(java.util.Locale.ROOT, "%.3f", mean);
        }
        return String.format(java.util.Locale.ROOT, "%.3f [%.3f, %.3f]", mean, low, high);
    }
}
