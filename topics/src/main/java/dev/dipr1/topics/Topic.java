package dev.dipr1.topics;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic together with the serdes of its keys and values and the settings it is created with,
 * so that no producer or consumer can pair a topic with the wrong serde.
 *
 * @param retentionMs -1 for unlimited; ignored for compacted topics
 * @param maxMessageBytes -1 for the broker default
 */
public record Topic<K, V>(
        String name,
        Serde<K> keySerde,
        Serde<V> valueSerde,
        int partitions,
        CleanupPolicy cleanupPolicy,
        long retentionMs,
        int maxMessageBytes) {

    /** How Kafka discards old records of the topic. */
    public enum CleanupPolicy {
        DELETE("delete"),
        COMPACT("compact");

        private final String config;

        CleanupPolicy(String config) {
            this.config = config;
        }

        public String config() {
            return config;
        }

        public static CleanupPolicy fromConfig(String value) {
            for (CleanupPolicy p : values()) {
                if (p.config.equals(value)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unsupported cleanup.policy '" + value + "'");
        }
    }

    public Topic {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a topic needs a name");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition");
        }
    }

    /** The same topic under another name (e.g. the advantages topic of a replay). */
    public Topic<K, V> named(String newName) {
        return new Topic<>(newName, keySerde, valueSerde, partitions, cleanupPolicy, retentionMs, maxMessageBytes);
    }

    /** The topic-level configs it is created with. */
    public Map<String, String> configs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.config());
        if (cleanupPolicy == CleanupPolicy.DELETE) {
            c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
        }
        if (maxMessageBytes > 0) {
            c.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
        }
        return c;
    }
}
