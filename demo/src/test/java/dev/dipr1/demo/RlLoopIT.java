package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on a real broker: generator -> reward stream -> learner -> policy -> generator,
 * with the demo's cumulative bound (fed by the learner's counts on each update) and two prompts per
 * decoding batch.
 */
class RlLoopIT {

    @Test
    void learnerStepsAdvanceThePolicyAndTheGeneratorPicksItUp(@TempDir Path dir) throws Exception {
        ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());
        TopicCatalog catalog = TopicCatalog.withPrefix("loop-it.");
        Path sft = dir.resolve("tiny.ckpt");
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 4)) {
            p.save(sft);
        }
        // An untrained policy earns equal (zero) rewards: keep zero-variance groups so steps happen.
        LearnerSettings ls = new LearnerSettings(
                2,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                0,
                false,
                1,
                1,
                dir.resolve("learner.ckpt"),
                dir.resolve("policies"),
                1 << 24,
                3,
                true);
        RlLoop.Config config = new RlLoop.Config(
                kafka,
                catalog,
                sft,
                ls,
                1,
                4,
                1f,
                1,
                RlLoop.groupsPerVersion(ls),
                2,
                2,
                SyntheticScenes.generate(Split.TRAIN, 3, 0, 40),
                dir,
                dev.dipr1.rewards.RewardConfig.defaults());
        RlLoop.Result r = RlLoop.run(config, Duration.ofMinutes(3), 3, null);
        r.policy().close();

        assertEquals(3, r.history().size(), "three learner steps");
        assertEquals(3, r.history().get(2).policyVersion() + 1, "each step published a version");
        assertEquals(0, r.deadLetters(), "nothing dead-lettered by the reward stream");
        assertEquals(0, countRecords(kafka, catalog.deadLetters().name()), "nothing on the dead-letter topic");
        long newest = 0;
        for (RolloutGroup g : rollouts(kafka, catalog)) {
            newest = Math.max(newest, g.getPolicyVersion());
        }
        assertTrue(newest >= 1, "the generator sampled with a version the learner published (newest " + newest + ")");
    }

    private static List<RolloutGroup> rollouts(ClientSettings kafka, TopicCatalog catalog) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "loop-it-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<RolloutGroup> out = new ArrayList<>();
        try (KafkaConsumer<String, RolloutGroup> consumer = new KafkaConsumer<>(
                c,
                catalog.rollouts().keySerde().deserializer(),
                catalog.rollouts().valueSerde().deserializer())) {
            consumer.subscribe(List.of(catalog.rollouts().name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(rec -> out.add(rec.value()));
            }
        }
        return out;
    }

    private static int countRecords(ClientSettings kafka, String topic) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "loop-it-dlq");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return n;
    }
}
