package dev.dipr1.demo;

import dev.dipr1.policy.Evaluation;
import dev.dipr1.policy.Evaluator;
import dev.dipr1.policy.Policy;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.List;

/** The fixed held-out evaluation sets (seed {@value #SEED} of each split) and greedy evaluation on them. */
public final class HeldOutSplits {

    /** Held-out evaluation sets are fixed: seed 1000 of each split. */
    public static final long SEED = 1000;

    private HeldOutSplits() {}

    /**
     * Greedy evaluation of {@code policy} on the first {@code images} held-out scenes of {@code split}, with its
     * per-image records (for bootstrap intervals and paired deltas), decoded on {@code workers} threads (the same
     * result on any number: {@link Evaluator#evaluate(Policy, java.util.List, String, int)}).
     */
    public static Evaluation evaluation(Policy policy, Split split, int images, int workers) {
        return Evaluator.evaluate(policy, scenes(split, images), split.label(), workers);
    }

    /** The first {@code images} held-out scenes of {@code split}. */
    public static List<Scene> scenes(Split split, int images) {
        return SyntheticScenes.generate(split, SEED, 0, images);
    }
}
