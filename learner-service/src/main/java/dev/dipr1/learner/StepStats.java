package dev.dipr1.learner;

import java.util.List;

/**
 * What one learner step saw and did: the metrics of the log line and of the demo's plots.
 *
 * @param groupIds the groups applied in this step, in order
 * @param staleness per group: learner version minus the group's policy version
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
        double seconds) {}
