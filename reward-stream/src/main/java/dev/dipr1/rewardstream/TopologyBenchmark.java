package dev.dipr1.rewardstream;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.GroupInput;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.rewards.ScoringBenchmark;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.Topic;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End-to-end groups/s of the reward topology on a broker, with scoring and as a pass-through
 * (same records, no rewards computed), in one run over the same rollouts.
 */
public final class TopologyBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyBenchmark.class);

    private TopologyBenchmark() {}

    /** Groups/s with scoring and as a pass-through; {@link #ratio()} is the share scoring leaves. */
    public record Result(int groups, int g, double scoringGroupsPerSecond, double passThroughGroupsPerSecond) {
        public double ratio() {
            return scoringGroupsPerSecond / passThroughGroupsPerSecond;
        }
    }

    public static Result run(ClientSettings kafka, int groups, int g, long seed) throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("bench-" + System.currentTimeMillis() + ".");
        try (Admin admin = KafkaClients.admin(kafka)) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        List<GroupInput> inputs = ScoringBenchmark.groups(groups, g, new Random(seed));
        publish(kafka, catalog, inputs);
        // Round 0 warms up the JVM and the broker; round 1 is measured, in alternating order.
        measure(kafka, catalog, "warm-up", RolloutScorer.dipr1(RewardConfig.defaults()), groups);
        double scoring = measure(kafka, catalog, "scoring", RolloutScorer.dipr1(RewardConfig.defaults()), groups);
        double passThrough = measure(kafka, catalog, "pass-through", RolloutScorer.passThrough(), groups);
        return new Result(groups, g, scoring, passThrough);
    }

    private static double measure(
            ClientSettings kafka, TopicCatalog catalog, String mode, RolloutScorer scorer, int groups)
            throws Exception {
        Topic<String, ScoredGroup> out = catalog.advantages().named(catalog.prefix() + "out-" + mode);
        try (Admin admin = KafkaClients.admin(kafka)) {
            new TopicAdmin(admin, (short) 1).ensure(List.of(out));
        }
        RewardTopology.Topics topics =
                new RewardTopology.Topics(catalog.rollouts(), catalog.annotations(), out, catalog.deadLetters());
        RewardStreamSettings settings = RewardStreamSettings.defaults(RewardConfig.defaults());
        Map<String, Object> c = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-reader-" + mode,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000);
        try (RewardStreamService service = new RewardStreamService(
                        RewardTopology.build(topics, settings, scorer, new RewardStatistics(new SimpleMeterRegistry())),
                        kafka,
                        catalog.prefix() + "app-" + mode,
                        Files.createTempDirectory("bench-state"),
                        mode);
                KafkaConsumer<String, byte[]> consumer =
                        KafkaClients.rawConsumer(kafka, catalog.prefix() + "bench-reader-" + mode, c)) {
            consumer.subscribe(List.of(out.name()));
            service.start();
            long first = -1;
            long last = -1;
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < groups && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (first < 0) {
                        first = System.nanoTime();
                    }
                    seen++;
                    last = System.nanoTime();
                }
            }
            if (seen < groups || last <= first) {
                throw new IllegalStateException(mode + ": only " + seen + " of " + groups + " groups came out");
            }
            // From the first output to the last: excludes start-up and the first rebalance.
            double rate = (seen - 1) / ((last - first) / 1e9);
            LOG.info("{}: {} groups, {} groups/s", mode, seen, String.format("%.0f", rate));
            return rate;
        }
    }

    private static void publish(ClientSettings kafka, TopicCatalog catalog, List<GroupInput> inputs) throws Exception {
        Map<String, Object> p =
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        try (KafkaProducer<String, GroundTruth> ann =
                        KafkaClients.producer(kafka, catalog.annotations(), catalog.prefix() + "bench-annotations", p);
                KafkaProducer<String, RolloutGroup> roll =
                        KafkaClients.producer(kafka, catalog.rollouts(), catalog.prefix() + "bench-rollouts", p)) {
            for (int i = 0; i < inputs.size(); i++) {
                GroupInput in = inputs.get(i);
                String sample = "bench-" + i;
                ann.send(new ProducerRecord<>(
                        catalog.annotations().name(),
                        sample,
                        GroundTruth.newBuilder()
                                .setSampleId(sample)
                                .setWidth((int) in.width())
                                .setHeight((int) in.height())
                                .setBoxes(wire(in.gt()))
                                .setIgnoreRegions(wire(in.ignore()))
                                .setVisibleBoxes(List.of())
                                .build()));
            }
            ann.flush();
            for (int i = 0; i < inputs.size(); i++) {
                GroupInput in = inputs.get(i);
                List<Completion> cs = new ArrayList<>();
                for (int k = 0; k < in.completions().size(); k++) {
                    cs.add(Completion.newBuilder()
                            .setIndex(k)
                            .setText(in.completions().get(k))
                            .setTokenIds(List.of())
                            .setBehaviourLogprobs(List.of())
                            .setFinishReason(FinishReason.EOS)
                            .build());
                }
                String group = "bench-" + i + "/e0";
                roll.send(new ProducerRecord<>(
                        catalog.rollouts().name(),
                        group,
                        RolloutGroup.newBuilder()
                                .setGroupId(group)
                                .setSampleId("bench-" + i)
                                .setSplit("train")
                                .setEpoch(0)
                                .setPolicyVersion(0L)
                                .setGeneratorId("bench")
                                .setTemperature(1.0)
                                .setTopP(1.0)
                                .setSeed(i)
                                .setImageUri("none")
                                .setImage(null)
                                .setWidth((int) in.width())
                                .setHeight((int) in.height())
                                .setPromptTokenIds(List.of())
                                .setCompletions(cs)
                                .setCreatedAtMs(Instant.EPOCH)
                                .setGenerationMs(0L)
                                .build()));
            }
        }
    }

    private static List<dev.dipr1.schemas.Box> wire(List<Box> boxes) {
        return boxes.stream()
                .map(b -> new dev.dipr1.schemas.Box(b.x1(), b.y1(), b.x2(), b.y2()))
                .toList();
    }
}
