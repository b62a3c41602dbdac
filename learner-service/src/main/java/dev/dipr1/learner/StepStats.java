package dev.dipr1.learner;

import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.ScoredGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * What one learner step saw and did: the metrics of the log line and of the demo's plots.
 *
 * @param groupIds the groups applied in this step, in order
 * @param staleness per group: learner version minus the group's policy version
 * @param rewardFormat mean format reward over every completion of the step's groups (likewise
 *     {@code rewardLook}, {@code rewardAccuracy}, {@code rewardTotal})
 * @param zeroVarianceFraction zero-variance groups among all groups the learner has judged
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
        double seconds) {

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
        List<String> ids = new ArrayList<>();
        for (ScoredGroup g : groups) {
            ids.add(g.getGroupId());
            staleness.add(version - g.getRollout().getPolicyVersion());
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
                seconds);
    }
}
