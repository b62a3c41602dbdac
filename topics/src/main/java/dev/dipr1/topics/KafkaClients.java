package dev.dipr1.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one way every service builds its Kafka producers and consumers: the connection and security settings of
 * {@link ClientSettings}, this project's delivery defaults, then the caller's overrides (by Kafka's config
 * constants). Producers are idempotent with {@code acks=all}; consumers commit by hand and read only committed
 * transactions. Raw consumers hand values over as bytes, so that a record that does not decode can still be
 * dead-lettered with its exact bytes. The clients' own waits follow {@link ClientSettings#timeout()} (never below
 * Kafka's defaults for delivery and metadata), unless the connection settings name them.
 */
public final class KafkaClients {

    private KafkaClients() {}

    /** A producer for one catalog topic, serialising with the topic's own serdes. */
    public static <K, V> KafkaProducer<K, V> producer(
            ClientSettings kafka, Topic<K, V> topic, String clientId, Map<String, Object> overrides) {
        return new KafkaProducer<>(
                producerConfig(kafka, clientId, overrides),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer());
    }

    /** A producer of already-encoded values (e.g. one that writes to several topics, dead letters included). */
    public static KafkaProducer<String, byte[]> rawProducer(
            ClientSettings kafka, String clientId, Map<String, Object> overrides) {
        return new KafkaProducer<>(
                producerConfig(kafka, clientId, overrides), new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer whose values arrive as the bytes on the wire, decoded (or dead-lettered) by the caller. */
    public static KafkaConsumer<String, byte[]> rawConsumer(
            ClientSettings kafka, String clientId, Map<String, Object> overrides) {
        return new KafkaConsumer<>(
                consumerConfig(kafka, clientId, overrides), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * An admin client whose calls wait as long as {@code --kafka-timeout} (its own default of 60 s
     * made a service that starts while the broker is stopped exit after a minute: found by
     * {@code dipr1 chaos --seed 2}).
     */
    public static Admin admin(ClientSettings kafka) {
        return Admin.create(adminConfig(kafka));
    }

    static Map<String, Object> adminConfig(ClientSettings kafka) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        adminTimeouts(kafka).forEach(c::putIfAbsent);
        return c;
    }

    /** How long an admin client waits for Kafka, by config key: {@code --kafka-timeout}, at least its default minute. */
    public static Map<String, Object> adminTimeouts(ClientSettings kafka) {
        return Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, atLeast(kafka.timeout(), Duration.ofMinutes(1)));
    }

    /**
     * How long a producer waits for Kafka, by config key: {@code --kafka-timeout}, at least Kafka's defaults
     * (delivery.timeout.ms must be at least request.timeout.ms + linger.ms, which the default 2 minutes keeps).
     */
    public static Map<String, Object> producerTimeouts(ClientSettings kafka) {
        return Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                atLeast(kafka.timeout(), Duration.ofMinutes(2)),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                atLeast(kafka.timeout(), Duration.ofMinutes(1)));
    }

    /** How long a consumer's blocking calls wait for Kafka, by config key: {@code --kafka-timeout}. */
    public static Map<String, Object> consumerTimeouts(ClientSettings kafka) {
        return Map.of(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)
                kafka.timeout().toMillis());
    }

    static Map<String, Object> producerConfig(ClientSettings kafka, String clientId, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        producerTimeouts(kafka).forEach(c::putIfAbsent);
        c.putAll(overrides);
        return c;
    }

    static Map<String, Object> consumerConfig(ClientSettings kafka, String clientId, Map<String, Object> overrides) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        consumerTimeouts(kafka).forEach(c::putIfAbsent);
        c.putAll(overrides);
        return c;
    }

    private static int atLeast(Duration timeout, Duration floor) {
        return (int) Math.max(timeout.toMillis(), floor.toMillis());
    }
}
