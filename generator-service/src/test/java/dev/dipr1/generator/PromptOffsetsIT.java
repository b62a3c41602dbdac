package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A generator whose batch outlasts its group membership (as after a broker outage longer than the session timeout):
 * the commit of a finished prompt fails, which must not stop the generator; its next poll rejoins the group and the
 * prompt comes back (at least once), so nothing is lost.
 */
class PromptOffsetsIT {

    private final ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());

    @Test
    void givenThePartitionMovedDuringTheBatchThenTheCommitIsSkippedAndThePromptComesBackAfterRejoining()
            throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("prompt-offsets.");
        try (Admin admin = KafkaClients.admin(kafka)) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        try (KafkaProducer<String, byte[]> p = KafkaClients.rawProducer(kafka, "prompt-offsets-feed", Map.of())) {
            p.send(new ProducerRecord<>(catalog.prompts().name(), "a", new byte[] {1}))
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> shortLeash = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "prompt-offsets-gen",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 1_000,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200);
        try (KafkaConsumer<String, byte[]> consumer =
                KafkaClients.rawConsumer(kafka, "prompt-offsets-gen", shortLeash)) {
            consumer.subscribe(List.of(catalog.prompts().name()));
            ConsumerRecord<String, byte[]> first = pollOne(consumer);

            // A "batch" three times longer than max.poll.interval.ms: the heartbeat thread leaves the group.
            Thread.sleep(3_000);

            assertFalse(PromptOffsets.commit(consumer, first), "the commit of a partition no longer ours");
            ConsumerRecord<String, byte[]> again = pollOne(consumer);
            assertEquals(first.offset(), again.offset(), "the uncommitted prompt is read again after rejoining");
            assertTrue(PromptOffsets.commit(consumer, again), "a member of the group again commits");
        }
    }

    private static ConsumerRecord<String, byte[]> pollOne(KafkaConsumer<String, byte[]> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        while (got.isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertFalse(got.isEmpty(), "no prompt within 60 s");
        return got.get(0);
    }
}
