package dev.dipr1.learner;

import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Path;

/**
 * How the learner trains. Every combination that cannot work fails here, at start-up, with a
 * message that names the option to change.
 *
 * @param batchGroups B: groups per optimisation step
 * @param innerIterations μ: gradient steps per batch (1 = one pass)
 * @param learningRate AdamW learning rate
 * @param loss clip ε and KL β
 * @param maxStaleness groups whose policy version is more than this behind the learner's are dropped
 * @param skipZeroVariance drop zero-variance groups (dynamic sampling)
 * @param publishEvery K: publish a policy update every K steps
 * @param checkpointEvery write a checkpoint every this many steps (and at every publish)
 * @param checkpointPath the learner checkpoint (weights + optimiser + step + version + offsets);
 *     null = no checkpoints
 * @param policyDir where policy updates too large to travel inline are written
 * @param inlineLimit largest checkpoint that travels inline in a PolicyUpdate
 * @param maxSteps stop after this many steps (0 = run until stopped)
 * @param startAtEnd without a checkpoint, start at the end of the topic (only new groups) rather
 *     than its beginning
 * @param recentGroupIds how many ids of judged groups the learner remembers (and checkpoints) to drop
 *     a group sent twice; groups that carry their prompt's coordinates are recognised at any distance
 *     regardless (see {@link AppliedPromptOffsets})
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
        boolean startAtEnd,
        int recentGroupIds) {

    public static final int DEFAULT_BATCH_GROUPS = 8;
    public static final int DEFAULT_INNER_ITERATIONS = 1;
    public static final float DEFAULT_LEARNING_RATE = 1e-4f;
    public static final int DEFAULT_MAX_STALENESS = 4;
    public static final boolean DEFAULT_SKIP_ZERO_VARIANCE = true;
    public static final int DEFAULT_PUBLISH_EVERY = 1;
    public static final int DEFAULT_CHECKPOINT_EVERY = 10;
    public static final String DEFAULT_CHECKPOINT_FILE = "learner.ckpt";
    public static final String DEFAULT_POLICY_DIR = "policies";
    public static final int DEFAULT_INLINE_LIMIT = PolicyUpdates.DEFAULT_INLINE_LIMIT;
    public static final int DEFAULT_MAX_STEPS = 0;
    public static final boolean DEFAULT_START_AT_END = false;

    /** A memory of more ids than this would make every checkpoint tens of megabytes. */
    public static final int MAX_RECENT_GROUP_IDS = 1 << 20;
    /** More groups than this per step do not fit the memory of one learner process. */
    public static final int MAX_BATCH_GROUPS = 1024;
    /** Beyond this many passes the ratios of a batch sit far outside the clip range. */
    public static final int MAX_INNER_ITERATIONS = 16;
    /** AdamW on this policy diverges well below this learning rate. */
    public static final float MAX_LEARNING_RATE = 1e-2f;
    /** An inline update must fit a policy record together with its other fields. */
    public static final int MAX_INLINE_LIMIT = TopicCatalog.POLICY_MAX_MESSAGE_BYTES - 1024 * 1024;

    public LearnerSettings {
        require(
                batchGroups >= 1 && batchGroups <= MAX_BATCH_GROUPS,
                "--batch-groups must be in [1, " + MAX_BATCH_GROUPS + "], was " + batchGroups
                        + ": set it to the number of groups per step");
        require(
                innerIterations >= 1 && innerIterations <= MAX_INNER_ITERATIONS,
                "--inner-iterations must be in [1, " + MAX_INNER_ITERATIONS + "], was " + innerIterations
                        + ": use 1 for one pass over each batch");
        require(
                Float.isFinite(learningRate) && learningRate > 0 && learningRate <= MAX_LEARNING_RATE,
                "--lr must be finite and in (0, " + MAX_LEARNING_RATE + "], was " + learningRate + ": try "
                        + DEFAULT_LEARNING_RATE);
        require(loss != null, "the GRPO loss settings are missing: pass GrpoLoss.Settings.defaults()");
        require(
                maxStaleness >= 0,
                "--max-staleness must be >= 0, was " + maxStaleness + ": use 0 for synchronous training");
        require(
                publishEvery >= 1,
                "--publish-every must be at least 1, was " + publishEvery + ": use 1 to publish after every step");
        require(
                checkpointEvery >= 1,
                "--checkpoint-every must be at least 1, was " + checkpointEvery
                        + ": omit the learner checkpoint instead to write none");
        require(
                inlineLimit >= 0 && inlineLimit <= MAX_INLINE_LIMIT,
                "--inline-limit must be in [0, " + MAX_INLINE_LIMIT + "] bytes, was " + inlineLimit
                        + ": larger updates do not fit a policy record");
        require(
                policyDir != null,
                "--policy-dir is missing: updates over --inline-limit (" + inlineLimit + " bytes) are written there");
        require(maxSteps >= 0, "--max-steps must be >= 0, was " + maxSteps + ": use 0 to run until stopped");
        require(
                recentGroupIds >= 1 && recentGroupIds <= MAX_RECENT_GROUP_IDS,
                "--recent-group-ids must be in [1, " + MAX_RECENT_GROUP_IDS + "], was " + recentGroupIds
                        + ": the default is " + RecentGroupIds.DEFAULT_CAPACITY);
    }

    /** Settings with the default memory of recent group ids. */
    public LearnerSettings(
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
        this(
                batchGroups,
                innerIterations,
                learningRate,
                loss,
                maxStaleness,
                skipZeroVariance,
                publishEvery,
                checkpointEvery,
                checkpointPath,
                policyDir,
                inlineLimit,
                maxSteps,
                startAtEnd,
                RecentGroupIds.DEFAULT_CAPACITY);
    }

    /** The settings of a learner started without options. */
    public static LearnerSettings defaults() {
        return new LearnerSettings(
                DEFAULT_BATCH_GROUPS,
                DEFAULT_INNER_ITERATIONS,
                DEFAULT_LEARNING_RATE,
                GrpoLoss.Settings.defaults(),
                DEFAULT_MAX_STALENESS,
                DEFAULT_SKIP_ZERO_VARIANCE,
                DEFAULT_PUBLISH_EVERY,
                DEFAULT_CHECKPOINT_EVERY,
                Path.of(DEFAULT_CHECKPOINT_FILE),
                Path.of(DEFAULT_POLICY_DIR),
                DEFAULT_INLINE_LIMIT,
                DEFAULT_MAX_STEPS,
                DEFAULT_START_AT_END);
    }

    /** These settings with another learning rate. */
    public LearnerSettings withLearningRate(float lr) {
        return with(batchGroups, lr, maxSteps);
    }

    /** These settings with another number of groups per step (B). */
    public LearnerSettings withBatchGroups(int groups) {
        return with(groups, learningRate, maxSteps);
    }

    /** These settings with another step limit (0 = run until stopped). */
    public LearnerSettings withMaxSteps(int steps) {
        return with(batchGroups, learningRate, steps);
    }

    /** Every field kept but these three. */
    private LearnerSettings with(int groups, float lr, int steps) {
        return new LearnerSettings(
                groups,
                innerIterations,
                lr,
                loss,
                maxStaleness,
                skipZeroVariance,
                publishEvery,
                checkpointEvery,
                checkpointPath,
                policyDir,
                inlineLimit,
                steps,
                startAtEnd,
                recentGroupIds);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
