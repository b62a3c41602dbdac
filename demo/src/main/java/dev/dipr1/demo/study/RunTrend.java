package dev.dipr1.demo.study;

import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * How much a per-step diagnostic moved over an RL run: the least-squares line through its values
 * against the step index, read as the change from the first step to the last, with a 95% interval
 * (Student's t, n − 2 degrees of freedom). A batch of 8 prompts makes single steps noisy (token
 * entropy swings ±0.15 between adjacent steps), so a first-versus-last reading says little; the
 * fitted change over all steps is what a "it rose" claim should rest on. Steps are treated as
 * independent, which they are not quite (each starts from the last), so the interval is a little
 * too narrow.
 *
 * @param n how many steps
 * @param change the fitted value at the last step minus the fitted value at the first
 * @param low lower end of the 95% interval of {@code change} (NaN below 3 steps)
 * @param high upper end of the 95% interval (NaN below 3 steps)
 */
public record RunTrend(int n, double change, double low, double high) {

    /** The trend of {@code values}, one per learner step in order; NaN entries are skipped. */
    public static RunTrend of(List<Double> values) {
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int i = 0; i < values.size(); i++) {
            double y = values.get(i);
            if (!Double.isNaN(y)) {
                sx += i;
                sy += y;
                n++;
            }
        }
        if (n < 2) {
            return new RunTrend(n, Double.NaN, Double.NaN, Double.NaN);
        }
        double mx = sx / n;
        double my = sy / n;
        double sxx = 0;
        double sxy = 0;
        int first = -1;
        int last = -1;
        for (int i = 0; i < values.size(); i++) {
            double y = values.get(i);
            if (!Double.isNaN(y)) {
                sxx += (i - mx) * (i - mx);
                sxy += (i - mx) * (y - my);
                first = first < 0 ? i : first;
                last = i;
            }
        }
        double slope = sxy / sxx;
        double span = last - first;
        double change = slope * span;
        if (n < 3) {
            return new RunTrend(n, change, Double.NaN, Double.NaN);
        }
        double residuals = 0;
        for (int i = 0; i < values.size(); i++) {
            double y = values.get(i);
            if (!Double.isNaN(y)) {
                double r = y - my - slope * (i - mx);
                residuals += r * r;
            }
        }
        double se = Math.sqrt(residuals / (n - 2) / sxx) * span;
        double t = new TDistribution(n - 2).inverseCumulativeProbability(0.975);
        return new RunTrend(n, change, change - t * se, change + t * se);
    }

    /** {@code +0.036 [+0.012, +0.060]}, or a dash without steps. */
    public String text() {
        if (Double.isNaN(change)) {
            return "—";
        }
        if (Double.isNaN(low)) {
            return String.format(Locale.ROOT, "%+.3f", change);
        }
        return String.format(Locale.ROOT, "%+.3f [%+.3f, %+.3f]", change, low, high);
    }
}
