package dev.dipr1.policy;

import dev.dipr1.common.Seeds;
import dev.dipr1.scenes.Scene;

/**
 * Which training scene the SFT sample at a position reads, and whether it is flipped.
 *
 * <p>With a fixed training set of N scenes, sample position {@code p} (= step × batch + row) is in
 * epoch {@code p / N}; each epoch visits all N scenes once, in an order shuffled by
 * {@code (seed, epoch)} (Fisher–Yates over SplitMix64), so a batch never repeats a scene within an
 * epoch and every scene is seen equally often. With N = 0 every position has its own scene
 * ({@code index = p}). The flip is drawn per position, so a scene seen in two epochs may be flipped
 * in one and not the other. Not thread-safe: it caches the permutation of the last epoch asked for.
 */
final class TrainingOrder {

    private final long seed;
    private final int scenes;
    private long epoch = -1;
    private int[] permutation;

    /** @param scenes the size of the fixed training set; 0 = a fresh scene for every position */
    TrainingOrder(long seed, int scenes) {
        if (scenes < 0) {
            throw new IllegalArgumentException("scenes must be >= 0, was " + scenes);
        }
        this.seed = seed;
        this.scenes = scenes;
    }

    /** The index of the scene (of {@code (TRAIN, seed)}) read at sample position {@code position}. */
    long sceneIndex(long position) {
        if (scenes == 0) {
            return position;
        }
        long e = position / scenes;
        if (e != epoch) {
            permutation = shuffled(Seeds.derive(seed, 0x5F0FFL, e), scenes);
            epoch = e;
        }
        return permutation[(int) (position % scenes)];
    }

    /** Whether the sample at {@code position} is mirrored left–right. */
    boolean flipped(long position) {
        return (Seeds.derive(seed, position) & 1L) == 1L;
    }

    /**
     * How far the sample at {@code position}, showing {@code scene}, is moved: at most {@code maxShift} pixels each
     * way ({@link SceneShift#draw}), drawn from its own stream so that the scene order and the flips are those of a
     * run without the shift.
     */
    SceneShift shift(long position, Scene scene, int maxShift) {
        return SceneShift.draw(
                scene.persons(), scene.width(), scene.height(), maxShift, Seeds.derive(seed, 0x5417L, position));
    }

    /** 0 .. n−1 in a random order drawn from {@code streamSeed}. */
    static int[] shuffled(long streamSeed, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        long state = streamSeed;
        for (int i = n - 1; i > 0; i--) {
            state += Seeds.GOLDEN;
            int j = (int) Long.remainderUnsigned(Seeds.mix(state), i + 1L);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
