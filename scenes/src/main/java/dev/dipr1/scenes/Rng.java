package dev.dipr1.scenes;

import dev.dipr1.common.Seeds;

/**
 * A small, fully specified random generator (SplitMix64), so that a scene is the same on every JVM
 * and every platform: {@link java.util.SplittableRandom} documents that its algorithm may change,
 * and transcendental functions here use {@link StrictMath}.
 */
final class Rng {

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    Rng(long seed) {
        this.state = seed;
    }

    long nextLong() {
        state += Seeds.GOLDEN;
        return Seeds.mix(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi). */
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Uniform integer in [lo, hi], both inclusive. */
    int intBetween(int lo, int hi) {
        return lo + (int) (nextDouble() * (hi - lo + 1));
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Standard normal (Marsaglia's polar method). */
    double gaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spareGaussian = v * f;
        hasSpare = true;
        return u * f;
    }
}
