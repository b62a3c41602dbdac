package dev.dipr1.demo.chaos;

import dev.dipr1.policy.Tokenizer;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes bad records with a plain byte producer, as a client that is not ours would: random bytes on every
 * topic, and on some topics a record that decodes but must be refused (a PNG header claiming 20000×20000, a
 * scored group with a NaN score, a policy update claiming version 2^63−1).
 */
final class BadRecords {

    private final ClientSettings kafka;
    private final TopicCatalog catalog;
    private final Path initialPolicy;
    private final Random rng;

    BadRecords(ClientSettings kafka, TopicCatalog catalog, Path initialPolicy, long seed) {
        this.kafka = kafka;
        this.catalog = catalog;
        this.initialPolicy = initialPolicy;
        this.rng = new Random(seed);
    }

    /** Injects the bad records of {@code kind} and returns where they landed. */
    List<ChaosVerdict.Injected> inject(ChaosSchedule.Kind kind) throws Exception {
        List<ChaosVerdict.Injected> out = new ArrayList<>();
        try (KafkaProducer<String, byte[]> p = KafkaClients.rawProducer(
                kafka,
                catalog.prefix() + "chaos-bad-records",
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.POLICY_MAX_MESSAGE_BYTES))) {
            switch (kind) {
                case BAD_PROMPTS -> {
                    out.add(send(p, "random bytes", catalog.prompts().name(), "chaos-junk", randomBytes()));
                    out.add(send(
                            p,
                            "PNG claiming 20000x20000",
                            catalog.prompts().name(),
                            "chaos-huge",
                            Serdes.PROMPT_TASK.encode(hugePrompt("chaos-huge-" + rng.nextInt(1_000_000)))));
                }
                case BAD_ROLLOUTS ->
                    out.add(send(p, "random bytes", catalog.rollouts().name(), "chaos-junk/e0", randomBytes()));
                case BAD_ADVANTAGES -> {
                    out.add(send(p, "random bytes", catalog.advantages().name(), "chaos-junk/e0", randomBytes()));
                    Optional<ScoredGroup> real = lastScoredGroup();
                    if (real.isPresent()) {
                        ScoredGroup nan = withNaNScore(real.get(), "chaos-nan-" + rng.nextInt(1_000_000) + "/e0");
                        out.add(send(
                                p,
                                "scored group with a NaN score",
                                catalog.advantages().name(),
                                nan.getGroupId(),
                                Serdes.SCORED_GROUP.encode(nan)));
                    }
                }
                case BAD_ANNOTATIONS ->
                    out.add(send(p, "random bytes", catalog.annotations().name(), "chaos-junk", randomBytes()));
                case BAD_POLICY -> {
                    out.add(send(p, "random bytes", catalog.policy().name(), TopicCatalog.policyKey(), randomBytes()));
                    byte[] weights = Files.readAllBytes(initialPolicy);
                    Path tmp = Files.createTempDirectory("chaos-policy");
                    out.add(send(
                            p,
                            "update claiming version 2^63-1",
                            catalog.policy().name(),
                            TopicCatalog.policyKey(),
                            Serdes.POLICY_UPDATE.encode(PolicyUpdates.create(
                                    weights,
                                    dev.dipr1.policy.Policy.MAGIC + "/" + dev.dipr1.policy.Policy.FORMAT_VERSION,
                                    Long.MAX_VALUE,
                                    1,
                                    1 << 30,
                                    tmp,
                                    System.currentTimeMillis()))));
                    Files.deleteIfExists(tmp);
                }
                default -> throw new IllegalArgumentException(kind + " is not a bad-record fault");
            }
        }
        return out;
    }

    private ChaosVerdict.Injected send(KafkaProducer<String, byte[]> p, String what, String topic, String key, byte[] v)
            throws Exception {
        RecordMetadata md = p.send(new ProducerRecord<>(topic, key, v)).get(3, TimeUnit.MINUTES);
        return new ChaosVerdict.Injected(
                what + " on " + topic, new ChaosVerdict.Coord(md.topic(), md.partition(), md.offset()));
    }

    private byte[] randomBytes() {
        byte[] b = new byte[16 + rng.nextInt(200)];
        rng.nextBytes(b);
        return b;
    }

    /** The newest committed record of the advantages topic that decodes, if any. */
    private Optional<ScoredGroup> lastScoredGroup() {
        try (KafkaConsumer<String, byte[]> c = KafkaClients.rawConsumer(
                kafka, catalog.prefix() + "chaos-bad-records-reader", Map.of("isolation.level", "read_committed"))) {
            List<TopicPartition> parts = c.partitionsFor(catalog.advantages().name()).stream()
                    .map(x -> new TopicPartition(x.topic(), x.partition()))
                    .toList();
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            for (TopicPartition tp : parts) {
                c.seek(tp, Math.max(0, end.get(tp) - 5));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    try {
                        return Optional.of(Serdes.SCORED_GROUP.decode(r.value(), r.topic(), r.partition(), r.offset()));
                    } catch (RuntimeException notOurs) {
                        // an earlier injected record: look further
                    }
                }
            }
            return Optional.empty();
        }
    }

    private static ScoredGroup withNaNScore(ScoredGroup g, String groupId) {
        List<CompletionScore> scores = new ArrayList<>(g.getScores());
        scores.set(
                0,
                CompletionScore.newBuilder(scores.get(0)).setTotal(Double.NaN).build());
        return ScoredGroup.newBuilder(g)
                .setGroupId(groupId)
                .setRollout(dev.dipr1.schemas.RolloutGroup.newBuilder(g.getRollout())
                        .setGroupId(groupId)
                        .build())
                .setScores(scores)
                .build();
    }

    private static PromptTask hugePrompt(String id) throws IOException {
        return PromptTask.newBuilder()
                .setSampleId(id)
                .setDataset("chaos")
                .setSplit("train")
                .setEpoch(0)
                .setImageUri("inline:" + id + ".png")
                .setWidth(20000)
                .setHeight(20000)
                .setQuestion(Tokenizer.QUESTION)
                .setCreatedAtMs(Instant.now())
                .setImage(ByteBuffer.wrap(headerOnlyPng(20000, 20000)))
                .build();
    }

    /** An 8-bit grey PNG with a header (IHDR) and no pixel data. */
    private static byte[] headerOnlyPng(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 0, 0, 0, 0});
        for (Map.Entry<String, byte[]> c :
                List.of(Map.entry("IHDR", ihdr.toByteArray()), Map.entry("IEND", new byte[0]))) {
            byte[] type = c.getKey().getBytes(StandardCharsets.US_ASCII);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(c.getValue());
            out.writeInt(c.getValue().length);
            out.write(type);
            out.write(c.getValue());
            out.writeInt((int) crc.getValue());
        }
        return bytes.toByteArray();
    }
}
