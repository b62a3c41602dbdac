package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Bad prompts and bad policy records against a running generator: each is dead-lettered with its
 * reason and good prompts keep flowing; and a generator that never waits for the learner still
 * applies new policy versions within a few groups. Written against the generator's public API
 * only, so that it also runs against older code.
 */
class GeneratorFaultsIT {

    /** Groups within which a generator must apply a backlog of five policy updates. */
    private static final int FEW_GROUPS = 40;

    private final ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());

    @Test
    void badPromptsAndPolicyRecordsAreDeadLetteredWhileGoodPromptsKeepFlowing() throws Exception {
        TopicCatalog catalog = ensureTopics("gen-faults.");
        Running g = start(
                catalog,
                Policy.initialise(PolicyConfig.tiny(), 3),
                new GeneratorSettings("gen-faults", 2, 1f, 1f, 16, 1, 0));

        // Given a 32×32 prompt, a PNG whose header claims 20000×20000, random bytes and a
        // version-2^63−1 update on the policy topic, then a real v3 and six good prompts
        try (KafkaProducer<String, byte[]> raw = rawProducer()) {
            BufferedImage small = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            small.setRGB(5, 5, 0xffffff);
            send(raw, catalog.prompts().name(), "small-32", Serdes.PROMPT_TASK.encode(task("small-32", small)));
            send(raw, catalog.prompts().name(), "huge", Serdes.PROMPT_TASK.encode(hugeHeaderTask("huge")));
            send(raw, catalog.policy().name(), TopicCatalog.policyKey(), new byte[] {1, 2, 3});
            send(
                    raw,
                    catalog.policy().name(),
                    TopicCatalog.policyKey(),
                    Serdes.POLICY_UPDATE.encode(update(PolicyConfig.tiny(), 98, Long.MAX_VALUE)));
            send(
                    raw,
                    catalog.policy().name(),
                    TopicCatalog.policyKey(),
                    Serdes.POLICY_UPDATE.encode(update(PolicyConfig.tiny(), 99, 3)));
        }
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 21, 0, 6);
        PromptFeeder.publish(kafka, catalog, "synthetic", "train", scenes, 1, 1, 0);

        // Then every good prompt and the resized 32×32 one yield a group
        List<RolloutGroup> groups = readRollouts(catalog, scenes.size() + 1, Duration.ofSeconds(120));
        Set<String> samples = groups.stream().map(RolloutGroup::getSampleId).collect(Collectors.toSet());
        for (Scene s : scenes) {
            assertTrue(samples.contains(s.id()), "group for " + s.id() + " in " + samples + "; error: " + g.error());
        }
        RolloutGroup small = groups.stream()
                .filter(r -> r.getSampleId().equals("small-32"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no group for the 32×32 prompt; generator error: " + g.error()));
        assertEquals(64, small.getWidth(), "the group is in the policy's frame");
        assertEquals(64, PngImages.read(small.getImage(), small.getImageUri()).getWidth(), "it carries what was seen");
        assertEquals(scenes.size() + 1, groups.size(), "and nothing for the huge one");

        // And the real update is applied, the implausible one not
        assertTrue(
                await(() -> g.service().policyVersion() == 3, Duration.ofSeconds(60)),
                "v3 applied, now v" + g.service().policyVersion());

        // And the three bad records are dead letters with their reasons
        List<DeadLetter> dead = readDeadLetters(catalog, 3, Duration.ofSeconds(30));
        List<DeadLetter> prompts = dead.stream()
                .filter(d -> d.getSourceTopic().equals(catalog.prompts().name()))
                .toList();
        List<DeadLetter> policy = dead.stream()
                .filter(d -> d.getSourceTopic().equals(catalog.policy().name()))
                .toList();
        assertEquals(1, prompts.size(), "dead prompts: " + prompts);
        assertEquals("generator/image", prompts.get(0).getStage());
        assertTrue(
                prompts.get(0).getReason().contains("20000×20000"),
                prompts.get(0).getReason());
        assertEquals(2, policy.size(), "dead policy records: " + policy);
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), policy.get(0).getRawValue());
        assertTrue(
                policy.get(1).getReason().contains("" + Long.MAX_VALUE),
                policy.get(1).getReason());
        assertTrue(policy.stream().allMatch(d -> d.getStage().equals("generator/policy")));

        // And the generator is still running
        assertTrue(g.thread().isAlive(), "generator alive; error: " + g.error());
        g.service().close();
        assertNull(g.error());
    }

    @Test
    void aGeneratorThatNeverWaitsForTheLearnerAppliesABacklogOfVersionsWithinAFewGroups() throws Exception {
        TopicCatalog catalog = ensureTopics("gen-fresh.");
        // A model of the default size: its updates are megabytes, as the learner's are.
        PolicyConfig config = PolicyConfig.defaults();
        PromptFeeder.publish(
                kafka, catalog, "synthetic", "train", SyntheticScenes.generate(Split.TRAIN, 22, 0, 400), 1, 1, 0);
        // 64 tokens, not 16: groups of a few milliseconds let 40 of them pass inside one CATCH_UP_EVERY, and v5, sent
        // just after a catch-up read the topic's end, waited for the next one (failed on an idle machine: v4 after 40
        // groups). The fixed bug's cost is in groups, not seconds, so longer groups still show it
        Running g =
                start(catalog, Policy.initialise(config, 3), new GeneratorSettings("gen-fresh", 2, 1f, 1f, 64, 1, 0));
        assertTrue(await(() -> g.service().groupsGenerated() >= 2, Duration.ofSeconds(120)), "generating");

        // Given the learner publishes v1…v5 while the generator is busy and never waits for it
        try (KafkaProducer<String, byte[]> raw = rawProducer()) {
            for (int v = 1; v <= 5; v++) {
                send(
                        raw,
                        catalog.policy().name(),
                        TopicCatalog.policyKey(),
                        Serdes.POLICY_UPDATE.encode(update(config, 100 + v, v)));
            }
        }
        long published = g.service().groupsGenerated();

        // When it keeps generating, then it samples with v5 within a few groups. Before the fix it read one socket
        // buffer of the fetch response per group: dozens of groups per update, over a hundred for these five. Counted
        // in groups, not seconds: one catch-up reads for at most PolicyWatcher.CATCH_UP, so on a loaded machine five
        // multi-megabyte updates may take two catch-ups (seen in a verify beside three training runs: v3 after 8
        // groups)
        assertTrue(
                await(
                        () -> g.service().policyVersion() == 5
                                || g.service().groupsGenerated() >= published + FEW_GROUPS,
                        Duration.ofSeconds(120)),
                "busy");
        long version = g.service().policyVersion();
        long groups = g.service().groupsGenerated();
        g.service().close();
        assertNull(g.error());
        assertEquals(5, version, "policy version after " + (groups - published) + " groups since v5 was published");
    }

    /** A generator running on its own thread, with what ended it. */
    @Test
    void withAPolicyKeyOnlyUpdatesSignedByTheLearnerAreApplied() throws Exception {
        TopicCatalog catalog = ensureTopics("gen-signed.");
        PolicyKey key =
                PolicyKey.of("learner-secret-0123456789abcdef!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        PolicyKey forged =
                PolicyKey.of("someone-else-0123456789abcdef!!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        GeneratorService service = new GeneratorService(
                kafka,
                catalog,
                Policy.initialise(PolicyConfig.tiny(), 3),
                new GeneratorSettings("gen-signed", 2, 1f, 1f, 16, 1, 0),
                new SimpleMeterRegistry(),
                System::currentTimeMillis);
        service.requireSignedPolicies(key);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(
                () -> {
                    try {
                        service.run();
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                "gen-signed");
        t.start();
        // Given an unsigned v5, a v6 signed with another key, then a v4 signed by the learner
        try (KafkaProducer<String, byte[]> raw = rawProducer()) {
            send(
                    raw,
                    catalog.policy().name(),
                    TopicCatalog.policyKey(),
                    Serdes.POLICY_UPDATE.encode(update(PolicyConfig.tiny(), 50, 5)));
            PolicyUpdate v6 = update(PolicyConfig.tiny(), 60, 6);
            ProducerRecord<String, byte[]> r6 = new ProducerRecord<>(
                    catalog.policy().name(), TopicCatalog.policyKey(), Serdes.POLICY_UPDATE.encode(v6));
            forged.sign(v6, r6.headers());
            raw.send(r6).get(30, TimeUnit.SECONDS);
            PolicyUpdate v4 = update(PolicyConfig.tiny(), 40, 4);
            ProducerRecord<String, byte[]> r4 = new ProducerRecord<>(
                    catalog.policy().name(), TopicCatalog.policyKey(), Serdes.POLICY_UPDATE.encode(v4));
            key.sign(v4, r4.headers());
            raw.send(r4).get(30, TimeUnit.SECONDS);
        }
        PromptFeeder.publish(
                kafka, catalog, "synthetic", "train", SyntheticScenes.generate(Split.TRAIN, 22, 0, 2), 1, 1, 0);
        // Then only the signed v4 is applied, and the other two are dead letters saying why
        assertTrue(
                await(() -> service.policyVersion() == 4, Duration.ofSeconds(60)),
                "v4 applied, now v" + service.policyVersion() + "; error " + failure.get());
        List<DeadLetter> dead = readDeadLetters(catalog, 2, Duration.ofSeconds(30));
        assertEquals(2, dead.size(), dead.toString());
        assertTrue(dead.get(0).getReason().contains("not signed"), dead.get(0).getReason());
        assertTrue(
                dead.get(1).getReason().contains("does not match"), dead.get(1).getReason());
        service.close();
        t.join(10_000);
        assertNull(failure.get());
    }

    private record Running(GeneratorService service, Thread thread, AtomicReference<Throwable> failure) {
        Throwable error() {
            return failure.get();
        }
    }

    private Running start(TopicCatalog catalog, Policy initial, GeneratorSettings settings) {
        GeneratorService g = new GeneratorService(
                kafka, catalog, initial, settings, new SimpleMeterRegistry(), System::currentTimeMillis);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(
                () -> {
                    try {
                        g.run();
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                settings.generatorId());
        t.start();
        return new Running(g, t, failure);
    }

    private TopicCatalog ensureTopics(String prefix) throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        return catalog;
    }

    private static PolicyUpdate update(PolicyConfig config, long seed, long version) throws IOException {
        try (Policy p = Policy.initialise(config, seed)) {
            return PolicyUpdates.create(
                    p.toBytes(), "dipr1-policy/1", version, 10, 1 << 30, Files.createTempDirectory("pu"), 0);
        }
    }

    private static PromptTask task(String id, BufferedImage image) {
        return promptTask(id, ByteBuffer.wrap(PngImages.encode(image)), image.getWidth(), image.getHeight());
    }

    private static PromptTask hugeHeaderTask(String id) throws IOException {
        return promptTask(id, ByteBuffer.wrap(headerOnlyPng(20000, 20000)), 20000, 20000);
    }

    private static PromptTask promptTask(String id, ByteBuffer png, int width, int height) {
        return PromptTask.newBuilder()
                .setSampleId(id)
                .setDataset("faults")
                .setSplit("train")
                .setEpoch(0)
                .setImageUri("inline:" + id + ".png")
                .setWidth(width)
                .setHeight(height)
                .setQuestion("Detect every person.")
                .setCreatedAtMs(Instant.ofEpochMilli(1))
                .setImage(png)
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

    private KafkaProducer<String, byte[]> rawProducer() {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.POLICY_MAX_MESSAGE_BYTES);
        return new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> p, String topic, String key, byte[] value) throws Exception {
        p.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private List<RolloutGroup> readRollouts(TopicCatalog catalog, int n, Duration timeout) {
        return read(catalog.rollouts().name(), catalog.rollouts().valueSerde().deserializer(), n, timeout);
    }

    private List<DeadLetter> readDeadLetters(TopicCatalog catalog, int n, Duration timeout) {
        List<DeadLetter> dead = read(
                catalog.deadLetters().name(), catalog.deadLetters().valueSerde().deserializer(), n, timeout);
        dead.sort((a, b) -> Long.compare(a.getSourceOffset(), b.getSourceOffset()));
        return dead;
    }

    /** Up to {@code n} values from the start of a topic, then whatever else arrives within 2 s. */
    private <V> List<V> read(
            String topic, org.apache.kafka.common.serialization.Deserializer<V> values, int n, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer =
                new KafkaConsumer<>(c, new org.apache.kafka.common.serialization.StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
