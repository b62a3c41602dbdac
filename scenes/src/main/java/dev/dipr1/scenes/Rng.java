package dev.dipr1.scenes;

/**
 * A small, fully specified random generator (SplitMix64), so that a scene is the same on every JVM
 * and every platform: {@link java.util.SplittableRandom} documents that its algorithm may change,
 * and transcendental functions here use {@link StrictMath}.
 */
final class Rng {

    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    Rng(long seed) {
        this.state = seed;
    }

    /** The SplitMix64 finaliser: a bijection on 64-bit values that scrambles every bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong() {
        state += GOLDEN;
        return mix(state);
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
