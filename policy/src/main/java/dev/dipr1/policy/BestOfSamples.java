package dev.dipr1.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Best of G: per image, the sample whose own F1@0.5 is highest. GRPO can only move a policy towards answers its
 * samples already contain, so the F1 of these picks, set beside the greedy answer's, bounds what reweighting the
 * samples could teach the greedy answer (an oracle: it reads the ground truth to choose).
 */
public final class BestOfSamples {

    private BestOfSamples() {}

    /**
     * @param draws G evaluations of the same scenes in the same order, draw {@code k} holding each scene's k-th sample
     * @return one record per scene, its draw with the highest {@link #imageF1} (the first of equals)
     */
    public static Evaluation pick(List<Evaluation> draws) {
        if (draws.isEmpty()) {
            throw new IllegalArgumentException("no draws to pick from: give at least one");
        }
        int images = draws.get(0).images().size();
        for (Evaluation d : draws) {
            if (d.images().size() != images) {
                throw new IllegalArgumentException("draws of " + images + " and "
                        + d.images().size() + " images: every draw must score the same scenes");
            }
        }
        List<ImageScore> best = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            ImageScore pick = draws.get(0).images().get(i);
            for (int k = 1; k < draws.size(); k++) {
                ImageScore s = draws.get(k).images().get(i);
                if (imageF1(s) > imageF1(pick)) {
                    pick = s;
                }
            }
            best.add(pick);
        }
        return Evaluation.of(draws.get(0).result().split(), best);
    }

    /** F1@0.5 of one image: 2 · matched / (predicted + ground truth), 1 when it has neither. */
    public static double imageF1(ImageScore s) {
        int both = s.predicted() + s.truthCount();
        return both == 0 ? 1 : 2.0 * s.matched() / both;
    }

    /** The mean of the draws' F1@0.5: what one sample scores on average. */
    public static double meanF1(List<Evaluation> draws) {
        double sum = 0;
        for (Evaluation d : draws) {
            sum += d.result().f1();
        }
        return draws.isEmpty() ? 0 : sum / draws.size();
    }
}
