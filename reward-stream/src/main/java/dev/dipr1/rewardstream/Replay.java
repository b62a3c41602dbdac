package dev.dipr1.rewardstream;

import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.Topic;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-scores a whole rollouts topic into a new advantages topic with its own reward config, and
 * returns when it has caught up with the rollouts that existed when it started. The same
 * topology as the live reward stream; annotations are complete by then, so a missing one is
 * dead-lettered at once. Two replays with the same config write identical values.
 */
public final class Replay {

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private Replay() {}

    /** What a replay did: its Kafka Streams application id, the rollouts it had to catch up with, the outcome. */
    public record Result(
            String applicationId, long rolloutsAtStart, long groupsScored, long deadLettered, double seconds) {}

    /**
     * Replays {@code fromTopic} into {@code toTopic} with {@code settings} (annotation wait forced to 0),
     * returning once the committed offsets reach the end offsets seen at start.
     */
    public static Result run(
            ClientSettings kafka,
            TopicCatalog catalog,
            String fromTopic,
            String toTopic,
            RewardStreamSettings settings,
            Duration timeout)
            throws Exception {
        if (fromTopic.equals(toTopic)) {
            throw new IllegalArgumentException("--to must differ from --from");
        }
        Topic<String, dev.dipr1.schemas.ScoredGroup> target =
                catalog.advantages().named(toTopic);
        String appId = "dipr1-replay-" + toTopic.replaceAll("[^a-zA-Z0-9._-]", "_") + "-"
                + settings.rewards().stableHash().substring(0, 12);
        long t0 = System.nanoTime();
        Map<TopicPartition, Long> end;
        try (Admin admin = KafkaClients.admin(kafka)) {
            Set<String> names = admin.listTopics().names().get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (!names.contains(fromTopic)) {
                throw new IllegalArgumentException("topic " + fromTopic + " does not exist: check --from");
            }
            new TopicAdmin(admin, (short) 1).ensure(List.of(target, catalog.deadLetters()));
            end = TopicAdmin.endOffsets(admin, fromTopic, kafka.timeout());
        }
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        LOG.info(
                "replaying {} ({} records) into {} with reward config {} as {}",
                fromTopic,
                total,
                toTopic,
                settings.rewards().stableHash().substring(0, 12),
                appId);
        RewardStatistics stats = new RewardStatistics(new SimpleMeterRegistry());
        RewardTopology.Topics topics = new RewardTopology.Topics(
                catalog.rollouts().named(fromTopic), catalog.annotations(), target, catalog.deadLetters());
        RewardStreamSettings replaySettings = settings.withAnnotationWait(Duration.ZERO);
        Path stateDir = Files.createTempDirectory("dipr1-replay-state-");
        try (RewardStreamService service = new RewardStreamService(
                        RewardTopology.build(topics, replaySettings, RolloutScorer.dipr1(settings.rewards()), stats),
                        kafka,
                        appId,
                        stateDir,
                        "replay");
                Admin admin = KafkaClients.admin(kafka)) {
            service.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!caughtUp(admin, appId, end)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("replay did not catch up within " + timeout.toSeconds() + " s");
                }
                Thread.sleep(250);
            }
        }
        long scored = stats.scoredGroups();
        return new Result(appId, total, scored, stats.deadLettered(), (System.nanoTime() - t0) / 1e9);
    }

    /** True when the application's committed offsets reached the given end offsets on every partition. */
    static boolean caughtUp(Admin admin, String groupId, Map<TopicPartition, Long> end)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get(60, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            OffsetAndMetadata c = committed.get(e.getKey());
            if (c == null || c.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
