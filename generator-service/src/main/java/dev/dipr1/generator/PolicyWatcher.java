package dev.dipr1.generator;

import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted policy topic from the start and remembers the newest update. Not a
 * consumer group member: every generator sees every update. Not thread-safe: one per generator.
 */
public final class PolicyWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);

    private final Topic<String, PolicyUpdate> topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private PolicyUpdate newest;

    public PolicyWatcher(ClientSettings kafka, Topic<String, PolicyUpdate> topic) {
        this.topic = topic;
        this.consumer = KafkaClients.rawConsumer(
                kafka,
                topic.name() + "-watcher",
                Map.of(
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024,
                        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024));
        List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Reads what has arrived (waiting at most {@code wait}); the newest update seen so far, if any. */
    public Optional<PolicyUpdate> poll(Duration wait) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            try {
                PolicyUpdate u = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (u != null && (newest == null || u.getVersion() > newest.getVersion())) {
                    newest = u;
                }
            } catch (UndecodableRecordException e) {
                LOG.error(
                        "ignoring an unreadable policy update: {}",
                        e.at(r.topic(), r.partition(), r.offset()).getMessage());
            }
        }
        return Optional.ofNullable(newest);
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
