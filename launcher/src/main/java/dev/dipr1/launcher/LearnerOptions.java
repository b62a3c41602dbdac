package dev.dipr1.launcher;

import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.RecentGroupIds;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** GRPO options of the learner. */
final class LearnerOptions {

    @Option(
            names = "--batch-groups",
            description = "B: groups per step (default: ${DEFAULT-VALUE}; dipr1 demo and study: "
                    + RunOptions.DEMO_BATCH_GROUPS
                    + ").")
    int batchGroups = LearnerSettings.DEFAULT_BATCH_GROUPS;

    @Option(names = "--inner-iterations", description = "mu: gradient steps per batch (default: ${DEFAULT-VALUE}).")
    int innerIterations = LearnerSettings.DEFAULT_INNER_ITERATIONS;

    @Option(
            names = "--lr",
            description = "Learning rate (default: ${DEFAULT-VALUE}; dipr1 demo and study: "
                    + RunOptions.DEMO_LEARNING_RATE + ").")
    float lr = LearnerSettings.DEFAULT_LEARNING_RATE;

    @Option(names = "--clip-epsilon", description = "Clip epsilon (default: ${DEFAULT-VALUE}).")
    float clipEpsilon = GrpoLoss.Settings.DEFAULT_CLIP_EPSILON;

    @Option(names = "--beta", description = "KL weight (default: ${DEFAULT-VALUE}).")
    float beta = GrpoLoss.Settings.DEFAULT_BETA;

    @Option(
            names = "--max-staleness",
            description = "Drop groups more than this many versions old; 0 = synchronous (default: ${DEFAULT-VALUE}).")
    int maxStaleness = LearnerSettings.DEFAULT_MAX_STALENESS;

    @Option(names = "--keep-zero-variance", description = "Train on zero-variance groups too (default: drop them).")
    boolean keepZeroVariance;

    @Option(names = "--publish-every", description = "K: publish a policy every K steps (default: ${DEFAULT-VALUE}).")
    int publishEvery = LearnerSettings.DEFAULT_PUBLISH_EVERY;

    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps (default: ${DEFAULT-VALUE}).")
    int checkpointEvery = LearnerSettings.DEFAULT_CHECKPOINT_EVERY;

    @Option(
            names = "--inline-limit",
            description = "Largest policy update sent inline, in bytes (default: ${DEFAULT-VALUE}).")
    int inlineLimit = LearnerSettings.DEFAULT_INLINE_LIMIT;

    @Option(
            names = "--max-steps",
            description = "Stop after N steps; 0 = run until stopped (default: ${DEFAULT-VALUE}).")
    int maxSteps = LearnerSettings.DEFAULT_MAX_STEPS;

    @Option(
            names = "--recent-group-ids",
            description =
                    "How many ids of judged groups to remember to drop a group sent twice; groups that carry "
                            + "their prompt's coordinates are recognised at any distance regardless (default: ${DEFAULT-VALUE}).")
    int recentGroupIds = RecentGroupIds.DEFAULT_CAPACITY;

    LearnerSettings settings(Path checkpointPath, Path policyDir, boolean startAtEnd) {
        return new LearnerSettings(
                batchGroups,
                innerIterations,
                lr,
                new GrpoLoss.Settings(clipEpsilon, beta),
                maxStaleness,
                !keepZeroVariance,
                publishEvery,
                checkpointEvery,
                checkpointPath,
                policyDir,
                inlineLimit,
                maxSteps,
                startAtEnd,
                recentGroupIds);
    }
}
