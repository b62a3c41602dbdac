package dev.dipr1.learner;

import java.nio.file.Path;

/**
 * How the learner trains.
 *
 * @param batchGroups B: groups per optimisation step
 * @param innerIterations μ: gradient steps per batch (1 = one pass)
 * @param learningRate AdamW learning rate
 * @param loss clip ε and KL β
 * @param maxStaleness groups whose policy version is more than this behind the learner's are dropped
 * @param skipZeroVariance drop zero-variance groups (dynamic sampling)
 * @param publishEvery K: publish a policy update every K steps
 * @param checkpointEvery write a checkpoint every this many steps (and at every publish)
 * @param checkpointPath the learner checkpoint (weights + optimiser + step + version + offsets)
 * @param policyDir where policy updates too large to travel inline are written
 * @param inlineLimit largest checkpoint that travels inline in a PolicyUpdate
 * @param maxSteps stop after this many steps (0 = run until stopped)
 * @param startAtEnd without a checkpoint, start at the end of the topic (only new groups) rather
 *     than its beginning
 */
public record LearnerSettings(
        int batchGroups,
        int innerIterations,
        float learningRate,
        GrpoLoss.Settings loss,
        int maxStaleness,
        boolean skipZeroVariance,
        int publishEvery,
        int checkpointEvery,
        Path checkpointPath,
        Path policyDir,
        int inlineLimit,
        int maxSteps,
        boolean startAtEnd) {

    public LearnerSettings {
        if (batchGroups < 1) {
            throw new IllegalArgumentException("--batch-groups must be at least 1, was " + batchGroups);
        }
        if (innerIterations < 1) {
            throw new IllegalArgumentException("--inner-iterations must be at least 1, was " + innerIterations);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("--lr must be > 0, was " + learningRate);
        }
        if (maxStaleness < 0) {
            throw new IllegalArgumentException("--max-staleness must be >= 0, was " + maxStaleness);
        }
        if (publishEvery < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("--publish-every and --checkpoint-every must be at least 1");
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("--max-steps must be >= 0, was " + maxSteps);
        }
    }
}
