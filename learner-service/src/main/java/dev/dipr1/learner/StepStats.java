package dev.dipr1.learner;

import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.ScoredGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * What one learner step saw and did: the metrics of the log line and of the demo's plots.
 *
 * @param groupIds the groups applied in this step, in order
 * @param staleness per group: learner version minus the group's policy version
 * @param rewardFormat mean format reward over every completion of the step's groups (likewise
 *     {@code rewardLook}, {@code rewardAccuracy}, {@code rewardTotal})
 * @param zeroVarianceFraction zero-variance groups among all groups the learner has judged
 * @param entropy mean token entropy (nats) of the current policy on the batch's completion tokens,
 *     at the groups' temperature, from the loss's forward pass ({@link GrpoStep.Result#entropy})
 * @param stdFormat the within-group standard deviation of the format reward (Bessel, as the
 *     group's {@code reward_std}; 0 for a group of one), averaged over the step's groups: how much
 *     signal that reward gives the advantages (likewise {@code stdLook}, {@code stdAccuracy})
 * @param stalenessHistogram how many of the step's groups are each number of versions old
 */
public record StepStats(
        long step,
        long policyVersion,
        List<String> groupIds,
        int samples,
        double policyLoss,
        double kl,
        double clipRatio,
        double gradNorm,
        double rewardFormat,
        double rewardLook,
        double rewardAccuracy,
        double rewardTotal,
        List<Long> staleness,
        double zeroVarianceFraction,
        double seconds,
        double entropy,
        double stdFormat,
        double stdLook,
        double stdAccuracy,
        SortedMap<Long, Integer> stalenessHistogram) {

    public StepStats {
        staleness = List.copyOf(staleness);
        groupIds = List.copyOf(groupIds);
        // a step log written before the histogram existed has none
        stalenessHistogram = Collections.unmodifiableSortedMap(
                stalenessHistogram == null ? new TreeMap<>() : new TreeMap<>(stalenessHistogram));
    }

    /**
     * The statistics of a step taken on {@code groups} at policy version {@code version}.
     *
     * @param samples the rows of the batch (completions with tokens)
     */
    public static StepStats of(
            long step,
            long version,
            List<ScoredGroup> groups,
            int samples,
            GrpoStep.Result result,
            double zeroVarianceFraction,
            double seconds) {
        double format = 0;
        double look = 0;
        double accuracy = 0;
        double total = 0;
        int n = 0;
        List<Long> staleness = new ArrayList<>();
        SortedMap<Long, Integer> histogram = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        double[] std = new double[3];
        for (ScoredGroup g : groups) {
            ids.add(g.getGroupId());
            long old = version - g.getRollout().getPolicyVersion();
            staleness.add(old);
            histogram.merge(old, 1, Integer::sum);
            std[0] += sampleStd(g.getScores(), CompletionScore::getFormat);
            std[1] += sampleStd(g.getScores(), CompletionScore::getLook);
            std[2] += sampleStd(g.getScores(), CompletionScore::getAccuracy);
            for (CompletionScore c : g.getScores()) {
                format += c.getFormat();
                look += c.getLook();
                accuracy += c.getAccuracy();
                total += c.getTotal();
                n++;
            }
        }
        return new StepStats(
                step,
                version,
                ids,
                samples,
                result.policyLoss(),
                result.kl(),
                result.clipRatio(),
                result.gradNorm(),
                format / n,
                look / n,
                accuracy / n,
                total / n,
                staleness,
                zeroVarianceFraction,
                seconds,
                result.entropy(),
                std[0] / groups.size(),
                std[1] / groups.size(),
                std[2] / groups.size(),
                histogram);
    }

    /** The sample standard deviation (divisor n − 1) of one reward over a group's completions; 0 for fewer than two. */
    static double sampleStd(List<CompletionScore> scores, ToDoubleFunction<CompletionScore> reward) {
        int n = scores.size();
        if (n < 2) {
            return 0;
        }
        double mean = 0;
        for (CompletionScore c : scores) {
            mean += reward.applyAsDouble(c);
        }
        mean /= n;
        double sq = 0;
        for (CompletionScore c : scores) {
            double d = reward.applyAsDouble(c) - mean;
            sq += d * d;
        }
        return Math.sqrt(sq / (n - 1));
    }
}
