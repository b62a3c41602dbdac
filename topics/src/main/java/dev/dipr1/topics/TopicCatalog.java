package dev.dipr1.topics;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.Topic.CleanupPolicy;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;

/**
 * Every topic of the pipeline, with its serdes and settings. Everything that reads or writes a
 * topic gets it from here. Names carry a configurable prefix (default {@code dipr1.}).
 */
public final class TopicCatalog {

    public static final String DEFAULT_PREFIX = "dipr1.";
    /** Largest policy update record: a few MB of weights may travel inline. */
    public static final int POLICY_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    private static final long UNLIMITED = -1L;
    private static final long WEEK_MS = Duration.ofDays(7).toMillis();
    private static final long MONTH_MS = Duration.ofDays(30).toMillis();
    private static final Serde<String> KEYS = org.apache.kafka.common.serialization.Serdes.String();

    private final String prefix;
    private final Topic<String, PromptTask> prompts;
    private final Topic<String, GroundTruth> annotations;
    private final Topic<String, RolloutGroup> rollouts;
    private final Topic<String, ScoredGroup> advantages;
    private final Topic<String, PolicyUpdate> policy;
    private final Topic<String, DeadLetter> deadLetters;

    private TopicCatalog(String prefix) {
        if (prefix == null || !prefix.matches("[a-zA-Z0-9._-]*")) {
            throw new IllegalArgumentException(
                    "topic prefix '" + prefix + "' may only hold letters, digits, '.', '_' and '-'");
        }
        this.prefix = prefix;
        // Prompts are work items: shared by the generators' consumer group, kept a week.
        prompts = new Topic<>(prefix + "prompts", KEYS, Serdes.PROMPT_TASK, 4, CleanupPolicy.DELETE, WEEK_MS, -1);
        // Annotations are a table (latest per sample id): compacted, read as a GlobalKTable.
        annotations =
                new Topic<>(prefix + "annotations", KEYS, Serdes.GROUND_TRUTH, 1, CleanupPolicy.COMPACT, UNLIMITED, -1);
        // Rollouts are kept forever so old rollouts can be re-scored with new rewards (replay).
        rollouts = new Topic<>(
                prefix + "rollouts", KEYS, Serdes.ROLLOUT_GROUP, 4, CleanupPolicy.DELETE, UNLIMITED, 8 * 1024 * 1024);
        advantages = new Topic<>(
                prefix + "advantages", KEYS, Serdes.SCORED_GROUP, 2, CleanupPolicy.DELETE, MONTH_MS, 8 * 1024 * 1024);
        // The policy is a single key whose newest value matters: compacted.
        policy = new Topic<>(
                prefix + "policy",
                KEYS,
                Serdes.POLICY_UPDATE,
                1,
                CleanupPolicy.COMPACT,
                UNLIMITED,
                POLICY_MAX_MESSAGE_BYTES);
        deadLetters = new Topic<>(
                prefix + "dead-letters", KEYS, Serdes.DEAD_LETTER, 1, CleanupPolicy.DELETE, MONTH_MS, 16 * 1024 * 1024);
    }

    public static TopicCatalog withPrefix(String prefix) {
        return new TopicCatalog(prefix);
    }

    public static TopicCatalog defaults() {
        return new TopicCatalog(DEFAULT_PREFIX);
    }

    public String prefix() {
        return prefix;
    }

    public Topic<String, PromptTask> prompts() {
        return prompts;
    }

    public Topic<String, GroundTruth> annotations() {
        return annotations;
    }

    public Topic<String, RolloutGroup> rollouts() {
        return rollouts;
    }

    public Topic<String, ScoredGroup> advantages() {
        return advantages;
    }

    public Topic<String, PolicyUpdate> policy() {
        return policy;
    }

    public Topic<String, DeadLetter> deadLetters() {
        return deadLetters;
    }

    /** The policy-update key: one key, so compaction keeps only the newest update. */
    public static String policyKey() {
        return "policy";
    }

    public List<Topic<?, ?>> all() {
        return List.of(prompts, annotations, rollouts, advantages, policy, deadLetters);
    }
}
