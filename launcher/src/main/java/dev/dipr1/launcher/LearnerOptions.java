package dev.dipr1.launcher;

import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.topics.PolicyUpdates;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** GRPO options of the learner. */
final class LearnerOptions {

    @Option(names = "--batch-groups", defaultValue = "8", description = "B: groups per step (default: ${DEFAULT-VALUE}).")
    int batchGroups;

    @Option(names = "--inner-iterations", defaultValue = "1", description = "mu: gradient steps per batch (default: ${DEFAULT-VALUE}).")
    int innerIterations;

    @Option(names = "--lr", defaultValue = "1e-4", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    float lr;

    @Option(names = "--clip-epsilon", defaultValue = "0.2", description = "Clip epsilon (default: ${DEFAULT-VALUE}).")
    float clipEpsilon;

    @Option(names = "--beta", defaultValue = "0.04", description = "KL weight (default: ${DEFAULT-VALUE}).")
    float beta;

    @Option(names = "--max-staleness", defaultValue = "4",
            description = "Drop groups more than this many versions old; 0 = synchronous (default: ${DEFAULT-VALUE}).")
    int maxStaleness;

    @Option(names = "--keep-zero-variance", description = "Train on zero-variance groups too (default: drop them).")
    boolean keepZeroVariance;

    @Option(names = "--publish-every", defaultValue = "1", description = "K: publish a policy every K steps (default: ${DEFAULT-VALUE}).")
    int publishEvery;

    @Option(names = "--checkpoint-every", defaultValue = "10", description = "Checkpoint every N steps (default: ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--inline-limit", defaultValue = "" + PolicyUpdates.DEFAULT_INLINE_LIMIT,
            description = "Largest policy update sent inline, in bytes (default: ${DEFAULT-VALUE}).")
    int inlineLimit;

    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after N steps; 0 = run until stopped.")
    int maxSteps;

    LearnerSettings settings(Path checkpointPath, Path policyDir, boolean startAtEnd) {
        return new LearnerSettings(batchGroups, innerIterations, lr, new GrpoLoss.Settings(clipEpsilon, beta),
                maxStaleness, !keepZeroVariance, publishEvery, checkpointEvery, checkpointPath, policyDir, inlineLimit,
                maxSteps, startAtEnd);
    }
}
