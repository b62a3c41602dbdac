package dev.dipr1.common;

/**
 * Deterministic seed mixing (SplitMix64), the same on every JVM and platform, so that a seed names the same
 * scenes, flips and samples everywhere.
 */
public final class Seeds {

    /** 2^64 / φ, the SplitMix64 increment: consecutive multiples of it are far apart in every bit. */
    public static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private static final long M1 = 0xBF58476D1CE4E5B9L;
    private static final long M2 = 0x94D049BB133111EBL;

    private Seeds() {}

    /** The SplitMix64 finaliser: a bijection on 64-bit values that scrambles every bit. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * M1;
        z = (z ^ (z >>> 27)) * M2;
        return z ^ (z >>> 31);
    }

    /** A seed derived from a base seed and two integers (e.g. a group and a policy version). */
    public static long derive(long seed, long a, long b) {
        return mix(seed + GOLDEN * (a + 1) + M1 * (b + 1));
    }

    /** A seed derived from a base seed and one index (e.g. the i-th image of a run). */
    public static long derive(long seed, long index) {
        return mix(seed ^ (GOLDEN * (index + 1L)));
    }
}
