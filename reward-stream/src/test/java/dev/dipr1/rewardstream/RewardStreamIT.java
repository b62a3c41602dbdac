package dev.dipr1.rewardstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.schemas.Box;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.Topic;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The reward stream against a real broker. */
class RewardStreamIT {

    private final ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());

    @Test
    void twoInstancesShareThePartitionsAndScoreEveryGroupExactlyOnce() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("rs-scale.");
        createTopics(catalog);
        int n = 40;
        produce(catalog, n);
        RewardTopology.Topics topics = topicsOf(catalog);
        RewardStreamSettings settings = RewardStreamSettings.defaults(RewardConfig.defaults());
        try (RewardStreamService a = service(topics, settings, "a");
                RewardStreamService b = service(topics, settings, "b")) {
            a.start();
            b.start();
            List<ConsumerRecord<String, ScoredGroup>> out = consume(catalog.advantages(), n, Duration.ofSeconds(90));
            Map<String, Integer> perGroup = new TreeMap<>();
            out.forEach(r -> perGroup.merge(r.key(), 1, Integer::sum));
            assertEquals(n, perGroup.size(), "every group scored");
            assertTrue(perGroup.values().stream().allMatch(c -> c == 1), "no group scored twice: " + perGroup);
            // Both instances did part of the work.
            long partitionsSeen = out.stream()
                    .map(r -> r.value().getSourcePartition())
                    .distinct()
                    .count();
            assertEquals(catalog.rollouts().partitions(), partitionsSeen);
        }
    }

    @Test
    void aBadAnnotationIsDeadLetteredOnceByTwoInstancesAndTheGoodOnesAreJoined() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("rs-bad-ann.");
        createTopics(catalog);
        byte[] junk = {(byte) 0xC3, 0x01, 7, 7, 7, 7};
        try (KafkaProducer<String, byte[]> p =
                new KafkaProducer<>(kafka.asMap(), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(catalog.annotations().name(), "junk", junk))
                    .get();
        }
        int n = 8;
        produce(catalog, n);
        RewardTopology.Topics topics = topicsOf(catalog);
        RewardStreamSettings settings = RewardStreamSettings.defaults(RewardConfig.defaults());
        try (RewardStreamService a = service(topics, settings, "a", "rs-bad-ann-app");
                RewardStreamService b = service(topics, settings, "b", "rs-bad-ann-app")) {
            a.start();
            b.start();
            assertEquals(
                    n, consume(catalog.advantages(), n, Duration.ofSeconds(90)).size(), "every group scored");
            List<ConsumerRecord<String, dev.dipr1.schemas.DeadLetter>> dead =
                    consume(catalog.deadLetters(), 1, Duration.ofSeconds(30));
            assertEquals(1, dead.size(), "one dead letter, not one per instance: " + dead);
            assertEquals(catalog.annotations().name() + "/0/0", dead.get(0).key());
            assertEquals(java.nio.ByteBuffer.wrap(junk), dead.get(0).value().getRawValue());
        }
    }

    @Test
    void replaysWithTheSameConfigWriteIdenticalValues() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("rs-replay.");
        createTopics(catalog);
        int n = 12;
        produce(catalog, n);
        RewardConfig other = new RewardConfig(0.5, false, 0.3, 0.7, 0.5, 0.5, 0.25, 1, 0.5, 2, 1e-4, false);
        RewardStreamSettings settings = RewardStreamSettings.defaults(other);
        Replay.Result r1 = Replay.run(
                kafka, catalog, catalog.rollouts().name(), "rs-replay.adv-1", settings, Duration.ofSeconds(90));
        Replay.Result r2 = Replay.run(
                kafka, catalog, catalog.rollouts().name(), "rs-replay.adv-2", settings, Duration.ofSeconds(90));
        assertEquals(n, r1.groupsScored());
        assertEquals(n, r2.groupsScored());
        Map<String, ScoredGroup> one =
                byKey(consume(catalog.advantages().named("rs-replay.adv-1"), n, Duration.ofSeconds(30)));
        Map<String, ScoredGroup> two =
                byKey(consume(catalog.advantages().named("rs-replay.adv-2"), n, Duration.ofSeconds(30)));
        assertEquals(one, two);
        assertEquals(other.stableHash(), one.values().iterator().next().getRewardConfigHash());
        assertTrue(one.values().stream()
                .allMatch(g ->
                        !g.getRewardConfigHash().equals(RewardConfig.defaults().stableHash())));
    }

    private RewardStreamService service(RewardTopology.Topics topics, RewardStreamSettings settings, String id)
            throws Exception {
        return service(topics, settings, id, "rs-scale-app");
    }

    private RewardStreamService service(
            RewardTopology.Topics topics, RewardStreamSettings settings, String id, String applicationId)
            throws Exception {
        Path state = Files.createTempDirectory("rs-state-" + id);
        return new RewardStreamService(
                RewardTopology.build(
                        topics,
                        settings,
                        RolloutScorer.dipr1(settings.rewards()),
                        new RewardStatistics(new SimpleMeterRegistry())),
                kafka,
                applicationId,
                state,
                id);
    }

    private static RewardTopology.Topics topicsOf(TopicCatalog c) {
        return new RewardTopology.Topics(c.rollouts(), c.annotations(), c.advantages(), c.deadLetters());
    }

    private void createTopics(TopicCatalog catalog) {
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
    }

    private void produce(TopicCatalog catalog, int n) throws Exception {
        Topic<String, dev.dipr1.schemas.GroundTruth> ann = catalog.annotations();
        Topic<String, RolloutGroup> roll = catalog.rollouts();
        try (KafkaProducer<String, dev.dipr1.schemas.GroundTruth> p = new KafkaProducer<>(
                kafka.asMap(), ann.keySerde().serializer(), ann.valueSerde().serializer())) {
            for (int i = 0; i < n; i++) {
                p.send(new ProducerRecord<>(
                                ann.name(),
                                "s" + i,
                                RewardTopologyTest.truth("s" + i, new Box(1.0 * i, 2.0, 1.0 * i + 10, 30.0))))
                        .get();
            }
        }
        try (KafkaProducer<String, RolloutGroup> p = new KafkaProducer<>(
                kafka.asMap(), roll.keySerde().serializer(), roll.valueSerde().serializer())) {
            for (int i = 0; i < n; i++) {
                String answer = "<think>one</think><look></look><answer>[[" + i + ",2," + (i + 10) + ",30]]</answer>";
                p.send(new ProducerRecord<>(
                                roll.name(),
                                "g" + i,
                                RewardTopologyTest.group(
                                        "g" + i,
                                        "s" + i,
                                        List.of(answer, "<think>x</think><look></look><answer>[]</answer>", "junk"))))
                        .get();
            }
        }
    }

    private <V> List<ConsumerRecord<String, V>> consume(Topic<String, V> topic, int n, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic.name() + System.nanoTime());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                c, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // A little longer, to catch duplicates that would arrive late.
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static Map<String, ScoredGroup> byKey(List<ConsumerRecord<String, ScoredGroup>> records) {
        Map<String, ScoredGroup> m = new TreeMap<>();
        records.forEach(r -> m.put(r.key(), r.value()));
        return m;
    }
}
