package dev.dipr1.rewards;

/**
 * Group-normalised advantages (spec §5).
 *
 * @param advantages   one per completion, in sample order; all 0 for a zero-variance group or a group of one
 * @param zeroVariance every total within 1e-9 of every other (always true for a group of one)
 * @param mean         mean total reward
 * @param std          sample standard deviation (divisor G − 1), 0 for a group of one
 */
public record GroupAdvantages(double[] advantages, boolean zeroVariance, double mean, double std) {}
