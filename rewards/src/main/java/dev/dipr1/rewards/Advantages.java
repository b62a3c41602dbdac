package dev.dipr1.rewards;

/** Spec §5: {@code A_i = (r_i − mean) / (std + ε)}, or {@code r_i − mean} without std scaling (Dr. GRPO). */
public final class Advantages {

    /** Rewards closer than this are equal (zero-variance groups). */
    public static final double ZERO_VARIANCE_TOLERANCE = 1e-9;

    private Advantages() {}

    /** @throws IllegalArgumentException for an empty group */
    public static GroupAdvantages of(double[] totals, RewardConfig c) {
        int g = totals.length;
        if (g == 0) {
            throw new IllegalArgumentException("a group needs at least one completion");
        }
        double sum = 0.0;
        double min = totals[0];
        double max = totals[0];
        for (double r : totals) {
            sum += r;
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        double mean = sum / g;
        double std = 0.0;
        if (g > 1) {
            double squares = 0.0;
            for (double r : totals) {
                squares += (r - mean) * (r - mean);
            }
            std = Math.sqrt(squares / (g - 1)); // Bessel
        }
        // "All equal within 1e-9": the largest pairwise difference is at most 1e-9.
        boolean zeroVariance = max - min <= ZERO_VARIANCE_TOLERANCE;
        double[] advantages = new double[g];
        if (!zeroVariance) {
            for (int i = 0; i < g; i++) {
                advantages[i] = c.scaleByStd() ? (totals[i] - mean) / (std + c.epsilon()) : totals[i] - mean;
            }
        }
        return new GroupAdvantages(advantages, zeroVariance, mean, std);
    }
}
