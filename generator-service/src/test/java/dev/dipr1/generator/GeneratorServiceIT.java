package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Generators against a real broker, with a real (tiny, untrained) DJL policy. */
class GeneratorServiceIT {

    private final ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());

    @Test
    void twoGeneratorsSplitThePromptsAndEveryPromptYieldsAGroup() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("gen-it.");
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 5, 0, 12);
        List<GeneratorService> generators = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Policy base = Policy.initialise(PolicyConfig.tiny(), 3);
        for (String id : List.of("gen-a", "gen-b")) {
            GeneratorService g = new GeneratorService(
                    kafka,
                    catalog,
                    base.copy(),
                    new GeneratorSettings(id, 4, 1f, 1f, 24, 11, 0),
                    new SimpleMeterRegistry(),
                    System::currentTimeMillis);
            generators.add(g);
            Thread t = new Thread(g::run, id);
            threads.add(t);
            t.start();
        }
        base.close();
        // Both members of the consumer group own partitions before any prompt arrives.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (generators.stream().anyMatch(g -> g.assignedPartitions() == 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(
                catalog.prompts().partitions(),
                generators.stream()
                        .mapToInt(GeneratorService::assignedPartitions)
                        .sum(),
                "all partitions owned");
        PromptFeeder.publish(kafka, catalog, "synthetic", "train", scenes, 1, 7, 0);
        List<RolloutGroup> groups = readRollouts(catalog, scenes.size(), Duration.ofSeconds(120));
        generators.forEach(GeneratorService::close);

        Set<String> samples = new HashSet<>();
        Set<String> generatorIds = new HashSet<>();
        Set<List<Long>> prompts = new HashSet<>();
        for (RolloutGroup g : groups) {
            samples.add(g.getSampleId());
            assertTrue(g.getPromptPartition() >= 0 && g.getPromptOffset() >= 0, "says where its prompt was read");
            prompts.add(List.of((long) g.getPromptPartition(), g.getPromptOffset()));
            generatorIds.add(g.getGeneratorId());
            assertEquals(4, g.getCompletions().size());
            for (Completion c : g.getCompletions()) {
                assertEquals(c.getTokenIds().size(), c.getBehaviourLogprobs().size());
                assertTrue(c.getBehaviourLogprobs().stream().allMatch(lp -> lp <= 0f && Float.isFinite(lp)));
            }
        }
        assertEquals(scenes.size(), samples.size(), "every prompt yields a group");
        assertEquals(scenes.size(), groups.size(), "and only one");
        assertEquals(scenes.size(), prompts.size(), "each from its own prompt record");
        assertEquals(Set.of("gen-a", "gen-b"), generatorIds, "both generators took a share");
    }

    @Test
    void generatorPicksUpANewPolicyVersionBetweenGroups() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("gen-swap.");
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        Policy v0 = Policy.initialise(PolicyConfig.tiny(), 3);
        GeneratorService g = new GeneratorService(
                kafka,
                catalog,
                v0,
                new GeneratorSettings("gen-swap", 2, 1f, 1f, 16, 1, 0),
                new SimpleMeterRegistry(),
                System::currentTimeMillis);
        Thread t = new Thread(g::run, "gen-swap");
        t.start();
        try (Policy v5 = Policy.initialise(PolicyConfig.tiny(), 99);
                KafkaProducer<String, PolicyUpdate> p = new KafkaProducer<>(
                        kafka.asMap(),
                        catalog.policy().keySerde().serializer(),
                        catalog.policy().valueSerde().serializer())) {
            PolicyUpdate u = PolicyUpdates.create(
                    v5.toBytes(), "dipr1-policy/1", 5, 10, 1 << 20, Files.createTempDirectory("pu"), 0);
            p.send(new ProducerRecord<>(catalog.policy().name(), TopicCatalog.policyKey(), u))
                    .get(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (g.policyVersion() != 5 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(5, g.policyVersion());
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 6, 0, 2);
        PromptFeeder.publish(kafka, catalog, "synthetic", "train", scenes, 1, 1, 0);
        List<RolloutGroup> groups = readRollouts(catalog, 2, Duration.ofSeconds(60));
        g.close();
        assertTrue(groups.stream().allMatch(r -> r.getPolicyVersion() == 5), "sampled with the new version");
    }

    @Test
    void aCorruptPromptIsDeadLetteredAndTheNextOneStillYieldsAGroup() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("gen-dlq.");
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(
                kafka.asMap(),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            p.send(new ProducerRecord<>(catalog.prompts().name(), 0, "bad", new byte[] {1, 2, 3}))
                    .get(30, TimeUnit.SECONDS);
        }
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 8, 0, 1);
        PromptFeeder.publish(kafka, catalog, "synthetic", "train", scenes, 1, 1, 0);
        GeneratorService g = new GeneratorService(
                kafka,
                catalog,
                Policy.initialise(PolicyConfig.tiny(), 3),
                new GeneratorSettings("gen-dlq", 2, 1f, 1f, 16, 1, 0),
                new SimpleMeterRegistry(),
                System::currentTimeMillis);
        Thread t = new Thread(g::run, "gen-dlq");
        t.start();
        List<RolloutGroup> groups = readRollouts(catalog, 1, Duration.ofSeconds(60));
        g.close();
        assertEquals(1, groups.size());
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<dev.dipr1.schemas.DeadLetter> dead = new ArrayList<>();
        try (KafkaConsumer<String, dev.dipr1.schemas.DeadLetter> consumer = new KafkaConsumer<>(
                c,
                catalog.deadLetters().keySerde().deserializer(),
                catalog.deadLetters().valueSerde().deserializer())) {
            consumer.subscribe(List.of(catalog.deadLetters().name()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (dead.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> dead.add(r.value()));
            }
        }
        assertEquals(1, dead.size());
        assertEquals("generator/decode", dead.get(0).getStage());
        assertEquals(catalog.prompts().name(), dead.get(0).getSourceTopic());
        assertEquals(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), dead.get(0).getRawValue());
    }

    @Test
    void theVersionGateHoldsTheGeneratorUntilANewVersionOrTheLongestWaitOnItsClock() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("gen-gate.");
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        AtomicLong clockMs = new AtomicLong(1_000_000);
        GeneratorService g = new GeneratorService(
                kafka,
                catalog,
                Policy.initialise(PolicyConfig.tiny(), 3),
                new GeneratorSettings("gen-gate", 2, 1f, 1f, 16, 1, 2),
                new SimpleMeterRegistry(),
                clockMs::get);
        Thread t = new Thread(g::run, "gen-gate");
        t.start();
        PromptFeeder.publish(
                kafka, catalog, "synthetic", "train", SyntheticScenes.generate(Split.TRAIN, 9, 0, 8), 1, 1, 0);

        // Given two groups per version, when the clock stands still, then v0 makes two groups only.
        assertEquals(2, readRollouts(catalog, 3, Duration.ofSeconds(3)).size(), "closed after the budget");

        // When the injected clock passes the longest wait, then v0 makes another share. (Well under
        // 15 s of real time pass in these two reads, so a gate on the wall clock would stay closed.)
        clockMs.addAndGet(VersionGate.MAX_WAIT.toMillis() + 1);
        assertEquals(4, readRollouts(catalog, 4, Duration.ofSeconds(6)).size(), "one extra share, not more");

        // When the learner publishes v5, then the gate opens with a new budget.
        try (Policy v5 = Policy.initialise(PolicyConfig.tiny(), 99);
                KafkaProducer<String, PolicyUpdate> p = new KafkaProducer<>(
                        kafka.asMap(),
                        catalog.policy().keySerde().serializer(),
                        catalog.policy().valueSerde().serializer())) {
            PolicyUpdate u = PolicyUpdates.create(
                    v5.toBytes(), "dipr1-policy/1", 5, 10, 1 << 20, Files.createTempDirectory("pu"), 0);
            p.send(new ProducerRecord<>(catalog.policy().name(), TopicCatalog.policyKey(), u))
                    .get(30, TimeUnit.SECONDS);
        }
        List<RolloutGroup> groups = readRollouts(catalog, 6, Duration.ofSeconds(60));
        g.close();
        assertEquals(6, groups.size());
        assertEquals(2, groups.stream().filter(r -> r.getPolicyVersion() == 5).count(), "two groups with v5");
    }

    @Test
    void theLeadGateLetsTheGeneratorRefillOnlyWhatTheLearnerSaysItRead() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("gen-lead.");
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        // one version of lead, two groups per version, four prompts per batch (clamped to the room)
        GeneratorService g = new GeneratorService(
                kafka,
                catalog,
                Policy.initialise(PolicyConfig.tiny(), 3),
                new GeneratorSettings("gen-lead", 2, 1f, 1f, 16, 1, 0)
                        .withLead(1, 2)
                        .withPromptsPerBatch(4),
                new SimpleMeterRegistry(),
                () -> 1_000_000L);
        Thread t = new Thread(g::run, "gen-lead");
        t.start();
        PromptFeeder.publish(
                kafka, catalog, "synthetic", "train", SyntheticScenes.generate(Split.TRAIN, 9, 0, 12), 1, 1, 0);
        // (each read waits 2 s beyond the expected number: a group more would show)
        assertEquals(2, readRollouts(catalog, 2, Duration.ofSeconds(30)).size(), "L · N = 2 groups before any update");

        // When the learner publishes v1 having read both, the generator refills one version's worth
        publishWithCount(catalog, 1, 2);
        List<RolloutGroup> afterV1 = readRollouts(catalog, 4, Duration.ofSeconds(30));
        assertEquals(4, afterV1.size());
        assertEquals(2, afterV1.stream().filter(r -> r.getPolicyVersion() == 1).count());

        // When it publishes v2 having read only one more, only that one is refilled (a per-version gate would make two)
        publishWithCount(catalog, 2, 3);
        List<RolloutGroup> afterV2 = readRollouts(catalog, 5, Duration.ofSeconds(30));
        g.close();
        assertEquals(5, afterV2.size());
        assertEquals(1, afterV2.stream().filter(r -> r.getPolicyVersion() == 2).count());
    }

    private void publishWithCount(TopicCatalog catalog, long version, long read) throws Exception {
        try (Policy policy = Policy.initialise(PolicyConfig.tiny(), 90 + version);
                KafkaProducer<String, PolicyUpdate> p = new KafkaProducer<>(
                        kafka.asMap(),
                        catalog.policy().keySerde().serializer(),
                        catalog.policy().valueSerde().serializer())) {
            PolicyUpdate u = PolicyUpdates.create(
                    policy.toBytes(), "dipr1-policy/1", version, version, 1 << 20, Files.createTempDirectory("pu"), 0);
            ProducerRecord<String, PolicyUpdate> r =
                    new ProducerRecord<>(catalog.policy().name(), TopicCatalog.policyKey(), u);
            dev.dipr1.topics.GroupsReadHeaders.add(r.headers(), Map.of("gen-lead", read));
            p.send(r).get(30, TimeUnit.SECONDS);
        }
    }

    private List<RolloutGroup> readRollouts(TopicCatalog catalog, int n, Duration timeout) {
        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<RolloutGroup> out = new ArrayList<>();
        try (KafkaConsumer<String, RolloutGroup> consumer = new KafkaConsumer<>(
                c,
                catalog.rollouts().keySerde().deserializer(),
                catalog.rollouts().valueSerde().deserializer())) {
            consumer.subscribe(List.of(catalog.rollouts().name()));
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
