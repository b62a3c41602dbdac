package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    private final ClientSettings kafka =
            ClientSettings.of("h:9092", (Path) null, Map.of("DIPR1_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

    @Test
    void producersAreIdempotentWithAllAcksAndKeepSecuritySettings() {
        Map<String, Object> c = KafkaClients.producerConfig(kafka, "learner-producer", Map.of());
        assertEquals(true, c.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals("all", c.get(ProducerConfig.ACKS_CONFIG));
        assertEquals("learner-producer", c.get(ProducerConfig.CLIENT_ID_CONFIG));
        assertEquals("h:9092", c.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        assertEquals("SASL_SSL", c.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
    }

    @Test
    void consumersCommitByHandAndReadOnlyCommittedRecords() {
        Map<String, Object> c = KafkaClients.consumerConfig(kafka, "gen-1", Map.of());
        assertEquals(false, c.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
        assertEquals("read_committed", c.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
        assertEquals("gen-1", c.get(ConsumerConfig.CLIENT_ID_CONFIG));
    }

    @Test
    void theCallersOverridesWin() {
        Map<String, Object> c = KafkaClients.consumerConfig(
                kafka,
                "x",
                Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true));
        assertEquals(1, c.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG));
        assertEquals(true, c.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG));
    }

    @Test
    void theClientsWaitsFollowTheKafkaTimeoutNeverBelowKafkasOwnDefaults() {
        ClientSettings long5min = kafka.withTimeout(java.time.Duration.ofMinutes(5));
        assertEquals(
                300_000,
                KafkaClients.producerConfig(long5min, "p", Map.of()).get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
        assertEquals(
                300_000, KafkaClients.producerConfig(long5min, "p", Map.of()).get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
        assertEquals(
                300_000,
                KafkaClients.consumerConfig(long5min, "c", Map.of()).get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG));
        ClientSettings short10s = kafka.withTimeout(java.time.Duration.ofSeconds(10));
        assertEquals(
                120_000,
                KafkaClients.producerConfig(short10s, "p", Map.of()).get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
        assertEquals(
                60_000, KafkaClients.producerConfig(short10s, "p", Map.of()).get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
        assertEquals(
                10_000,
                KafkaClients.consumerConfig(short10s, "c", Map.of()).get(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG));
        // the admin client's calls (e.g. the start-up topic check) wait out a broker stop as long as the timeout
        assertEquals(
                300_000,
                KafkaClients.adminConfig(long5min)
                        .get(org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG));
        assertEquals(
                60_000,
                KafkaClients.adminConfig(short10s)
                        .get(org.apache.kafka.clients.admin.AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG));
    }

    @Test
    void aTimeoutNamedInTheConnectionSettingsIsKept() {
        ClientSettings named =
                ClientSettings.of("h:9092", (Path) null, Map.of("DIPR1_KAFKA_DELIVERY_TIMEOUT_MS", "777777"));
        assertEquals(
                "777777",
                KafkaClients.producerConfig(named, "p", Map.of()).get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
    }
}
