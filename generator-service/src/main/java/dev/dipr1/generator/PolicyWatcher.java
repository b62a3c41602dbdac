package dev.dipr1.generator;

import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdateValidator;
import dev.dipr1.topics.Topic;
import dev.dipr1.topics.WeightsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted policy topic from the start and remembers the newest valid update. Not a
 * consumer group member: every generator sees every update. A record that does not decode, or
 * whose update is implausible ({@link PolicyUpdateValidator}), is handed to a {@link Refusals}
 * and never becomes the newest. Not thread-safe: one per generator.
 *
 * <p>A {@link #poll} reads up to the end of the topic (bounded by {@link #CATCH_UP}) at most once per
 * {@link #CATCH_UP_EVERY}: a poll with a zero wait between groups only moves a fetch response one
 * socket buffer further, so multi-megabyte updates would take dozens of groups to arrive and a
 * backlog might never.
 */
public final class PolicyWatcher implements AutoCloseable {

    /** Where refused policy records go (the generator: the dead-letter topic). */
    @FunctionalInterface
    public interface Refusals {
        void refuse(ConsumerRecord<String, byte[]> record, String reason, Throwable error);
    }

    /**
     * The newest valid update and the record it came from.
     *
     * @param update the decoded update
     * @param source the record as consumed (for a dead letter if applying it fails)
     */
    record Newest(PolicyUpdate update, ConsumerRecord<String, byte[]> source) {}

    /** The longest a poll spends reading up to the end of the topic. */
    static final Duration CATCH_UP = Duration.ofSeconds(5);

    /** How often a poll also reads up to the end of the topic. */
    static final Duration CATCH_UP_EVERY = Duration.ofSeconds(1);

    private static final Duration CATCH_UP_POLL = Duration.ofMillis(50);
    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);

    private final Topic<String, PolicyUpdate> topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final PolicyUpdateValidator validator;
    private final Refusals refusals;
    private long newestVersion;
    private Newest newest;
    private volatile PolicyKey key;
    private long lastCatchUpNanos = System.nanoTime() - CATCH_UP_EVERY.toNanos();

    /**
     * A watcher that accepts any version from 0 on, updates by URI only from {@code weightsDir} (the
     * learner's {@code --policy-dir}; null: inline updates only), and logs what it refuses.
     */
    public PolicyWatcher(ClientSettings kafka, Topic<String, PolicyUpdate> topic, Path weightsDir) {
        this(
                kafka,
                topic,
                -1,
                new PolicyUpdateValidator(
                        GeneratorSettings.DEFAULT_MAX_VERSION_JUMP,
                        new WeightsFiles(weightsDir, WeightsFiles.MAX_CHECKPOINT_BYTES)),
                (r, reason, e) ->
                        LOG.error("ignoring policy record {}/{}/{}: {}", r.topic(), r.partition(), r.offset(), reason));
    }

    /**
     * @param currentVersion the version already in use: only newer updates become the newest
     * @param validator which newer updates are plausible
     * @param refusals gets every record that does not decode or is not plausible
     */
    PolicyWatcher(
            ClientSettings kafka,
            Topic<String, PolicyUpdate> topic,
            long currentVersion,
            PolicyUpdateValidator validator,
            Refusals refusals) {
        this.topic = topic;
        this.validator = validator;
        this.refusals = refusals;
        this.newestVersion = currentVersion;
        this.consumer = KafkaClients.rawConsumer(
                kafka,
                topic.name() + "-watcher",
                Map.of(
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024,
                        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024,
                        // a waiting fetch holds the connection: keep it short so endOffsets is answered soon
                        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50));
        this.partitions = consumer.partitionsFor(topic.name(), kafka.timeout()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what has arrived (waiting at most {@code wait}); the newest valid update seen so far, if any. */
    public Optional<PolicyUpdate> poll(Duration wait) {
        return pollNewest(wait).map(Newest::update);
    }

    /** Like {@link #poll}, with the record the newest update came from. */
    Optional<Newest> pollNewest(Duration wait) {
        take(consumer.poll(wait));
        long now = System.nanoTime();
        // endOffsets is a round trip that may queue behind an in-flight fetch: at most once per CATCH_UP_EVERY
        // between groups, so that following the topic costs a group a few percent, not half its time
        if (now - lastCatchUpNanos >= CATCH_UP_EVERY.toNanos()) {
            lastCatchUpNanos = now;
            catchUp();
        }
        return Optional.ofNullable(newest);
    }

    /** Polls until the position reaches the end offsets of a moment ago, or {@link #CATCH_UP} passes. */
    private void catchUp() {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        try {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, CATCH_UP);
            while (behind(ends) && System.nanoTime() < deadline) {
                take(consumer.poll(CATCH_UP_POLL));
            }
        } catch (TimeoutException e) {
            LOG.warn(
                    "the policy topic did not answer within {} s; trying again after the next group",
                    CATCH_UP.toSeconds());
        }
    }

    private boolean behind(Map<TopicPartition, Long> ends) {
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp, CATCH_UP) < ends.getOrDefault(tp, 0L)) {
                return true;
            }
        }
        return false;
    }

    private void take(Iterable<ConsumerRecord<String, byte[]>> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            PolicyUpdate u;
            try {
                u = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
            } catch (UndecodableRecordException e) {
                refusals.refuse(r, e.at(r.topic(), r.partition(), r.offset()).getMessage(), e);
                continue;
            }
            if (u == null) {
                refusals.refuse(r, "a policy record without a value (a tombstone): updates are never deleted", null);
                continue;
            }
            if (u.getVersion() >= 0 && u.getVersion() <= newestVersion) {
                continue; // an older update, as the compacted topic replays them
            }
            Optional<String> problem = validator.problem(u, newestVersion);
            PolicyKey k = key;
            if (problem.isEmpty() && k != null) {
                problem = k.problem(u, r.headers());
            }
            if (problem.isPresent()) {
                refusals.refuse(r, problem.get(), null);
                continue;
            }
            newestVersion = u.getVersion();
            newest = new Newest(u, r);
        }
    }

    /** From now on only updates signed with {@code k} (the learner's {@code --policy-key}) are taken. */
    public void requireSignedBy(PolicyKey k) {
        this.key = k;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
