package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.policy.AdamW;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad scored groups of every kind between good ones on a real broker: the learner keeps stepping
 * on the good ones and every bad one is a dead letter with its reason. And a checkpoint whose
 * offset the topic does not hold stops the learner with a message that says so.
 */
class LearnerFaultsIT {

    private final ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());

    private static LearnerSettings settings(Path dir, int maxSteps) {
        return new LearnerSettings(
                1,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                100,
                true,
                1,
                1,
                dir.resolve("learner.ckpt"),
                dir.resolve("policies"),
                1 << 24,
                maxSteps,
                false);
    }

    private TopicCatalog topics(String prefix) throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        return catalog;
    }

    private static ScoredGroup edit(ScoredGroup g, String id, UnaryOperator<ScoredGroup.Builder> f) {
        return f.apply(ScoredGroup.newBuilder(g).setGroupId(id)).build();
    }

    private static ScoredGroup rollout(ScoredGroup g, String id, UnaryOperator<RolloutGroup.Builder> f) {
        return ScoredGroup.newBuilder(g)
                .setGroupId(id)
                .setRollout(f.apply(RolloutGroup.newBuilder(g.getRollout()).setGroupId(id))
                        .build())
                .build();
    }

    private static ScoredGroup completion0(ScoredGroup g, String id, UnaryOperator<Completion.Builder> f) {
        List<Completion> cs = new ArrayList<>(g.getRollout().getCompletions());
        cs.set(0, f.apply(Completion.newBuilder(cs.get(0))).build());
        return rollout(g, id, r -> r.setCompletions(cs));
    }

    @Test
    void badGroupsOfEveryKindAreDeadLetteredWhileTheLearnerTrainsOnTheGoodOnes(@TempDir Path dir) throws Exception {
        TopicCatalog catalog = topics("learner-faults-it.");
        ScoredGroup base = ScoredGroups.trainable("base");
        List<CompletionScore> scores = base.getScores();
        // Given, in one partition, each kind of bad record (with the words its reason must hold) between good groups
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("not Avro single-object encoding", new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        bad.put(
                "score 1 total is NaN",
                Serdes.SCORED_GROUP.encode(edit(
                        base,
                        "nan",
                        b -> b.setScores(List.of(
                                scores.get(0),
                                CompletionScore.newBuilder(scores.get(1))
                                        .setTotal(Double.NaN)
                                        .build())))));
        bad.put(
                "score 0 advantage is Infinity",
                Serdes.SCORED_GROUP.encode(edit(
                        base,
                        "inf",
                        b -> b.setScores(List.of(
                                CompletionScore.newBuilder(scores.get(0))
                                        .setAdvantage(Double.POSITIVE_INFINITY)
                                        .build(),
                                scores.get(1))))));
        bad.put(
                "1 scores for 2 completions",
                Serdes.SCORED_GROUP.encode(edit(base, "short", b -> b.setScores(List.of(scores.get(0))))));
        bad.put(
                "outside the vocabulary",
                Serdes.SCORED_GROUP.encode(completion0(base, "vocab", c -> c.setTokenIds(List.of(9, 1_000_000, 11)))));
        List<Integer> tooMany = new ArrayList<>();
        List<Float> lps = new ArrayList<>();
        for (int i = 0; i < PolicyConfig.MAX_SEQ_LEN; i++) {
            tooMany.add(9);
            lps.add(-1f);
        }
        bad.put(
                "the policy scores at most",
                Serdes.SCORED_GROUP.encode(
                        completion0(base, "long", c -> c.setTokenIds(tooMany).setBehaviourLogprobs(lps))));
        bad.put(
                "2 behaviour log-probs for 3 tokens",
                Serdes.SCORED_GROUP.encode(
                        completion0(base, "lp-count", c -> c.setBehaviourLogprobs(List.of(-1f, -1f)))));
        bad.put(
                "log-prob 1 is 0.25",
                Serdes.SCORED_GROUP.encode(
                        completion0(base, "lp-positive", c -> c.setBehaviourLogprobs(List.of(-1f, 0.25f, -1f)))));
        bad.put(
                "from the future",
                Serdes.SCORED_GROUP.encode(rollout(base, "future", r -> r.setPolicyVersion(Long.MAX_VALUE))));
        bad.put(
                "not a PNG",
                Serdes.SCORED_GROUP.encode(rollout(
                        base, "image", r -> r.setImage(ByteBuffer.wrap(new byte[] {'G', 'I', 'F', '8'})))));
        bad.put(
                "the image is 32×32",
                Serdes.SCORED_GROUP.encode(ScoredGroups.withSquareImage(rollout(base, "small", r -> r), 32)));
        List<String> good = new ArrayList<>();
        Map<Long, String> expectedReasons = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> p = KafkaClients.rawProducer(kafka, "faults-it", Map.of())) {
            long offset = 0;
            int g = 0;
            for (Map.Entry<String, byte[]> b : bad.entrySet()) {
                String id = "good-" + g++;
                good.add(id);
                send(p, catalog, id, Serdes.SCORED_GROUP.encode(ScoredGroups.trainable(id)));
                offset++;
                send(p, catalog, "bad-" + offset, b.getValue());
                expectedReasons.put(offset, b.getKey());
                offset++;
            }
            String last = "good-" + g;
            good.add(last);
            send(p, catalog, last, Serdes.SCORED_GROUP.encode(ScoredGroups.trainable(last)));
        }

        // When the learner reads them all, one group per step
        List<String> applied = new ArrayList<>();
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy ref = init.copy();
                LearnerService learner = new LearnerService(
                        kafka,
                        catalog,
                        catalog.advantages().name(),
                        init.copy(),
                        ref,
                        settings(dir, good.size()),
                        new SimpleMeterRegistry(),
                        System::currentTimeMillis)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(
                    () -> {
                        try {
                            learner.run();
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    },
                    "learner-faults");
            t.start();
            t.join(180_000);
            assertFalse(t.isAlive(), "the learner should have taken " + good.size() + " steps");
            assertEquals(null, failure.get(), "the learner must not die of a record");
            learner.history().forEach(s -> applied.addAll(s.groupIds()));
        }

        // Then it trained on every good group, in order, and every bad one is a dead letter with its reason
        assertEquals(good, applied);
        Map<Long, String> reasons = deadLetterReasons(catalog, expectedReasons.size());
        assertEquals(expectedReasons.keySet(), reasons.keySet(), "one dead letter per bad record: " + reasons);
        expectedReasons.forEach((offset, words) ->
                assertTrue(reasons.get(offset).contains(words), "offset " + offset + ": " + reasons.get(offset)));
        LearnerCheckpoint ck = LearnerCheckpoint.load(dir.resolve("learner.ckpt"));
        assertEquals(
                Long.valueOf(2L * bad.size() + 1), ck.nextOffsets().get(0), "every record, bad ones too, is consumed");
    }

    @Test
    void aCheckpointOffsetBeyondTheEndOfThePartitionStopsTheLearnerNamingItAndWhatToDo(@TempDir Path dir)
            throws Exception {
        TopicCatalog catalog = topics("learner-offsets-it.");
        try (KafkaProducer<String, byte[]> p = KafkaClients.rawProducer(kafka, "offsets-it", Map.of())) {
            send(p, catalog, "g0", Serdes.SCORED_GROUP.encode(ScoredGroups.trainable("g0")));
        }
        LearnerSettings settings = settings(dir, 0);
        // Given a checkpoint whose partition 0 is 50 records ahead of what the topic holds
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                AdamW fresh = AdamW.defaults()) {
            new LearnerCheckpoint(
                            init.toBytes(),
                            fresh.stateBytes(),
                            5,
                            0,
                            LearnerCheckpoint.UNKNOWN_STEP,
                            catalog.advantages().name(),
                            Map.of(0, 51L, 1, 0L),
                            List.of())
                    .save(settings.checkpointPath());
        }
        // When the learner resumes from it
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy ref = init.copy();
                LearnerService learner = new LearnerService(
                        kafka,
                        catalog,
                        catalog.advantages().name(),
                        init.copy(),
                        ref,
                        settings,
                        new SimpleMeterRegistry(),
                        System::currentTimeMillis)) {
            Thread t = new Thread(
                    () -> {
                        try {
                            learner.run();
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                    },
                    "learner-offsets");
            t.start();
            t.join(60_000);
            assertFalse(t.isAlive(), "the learner should stop, not jump to the end of the partition and wait");
        }
        // Then it stopped with a message naming the partition, the offset and the way out
        assertNotNull(failure.get());
        String m = failure.get().getMessage();
        assertTrue(m.contains(catalog.advantages().name() + "-0"), m);
        assertTrue(m.contains("no offset 51"), m);
        assertTrue(m.contains("holds offsets 0..0"), m);
        assertTrue(m.contains(settings.checkpointPath().toString()) && m.contains("delete"), m);
    }

    private static void send(KafkaProducer<String, byte[]> p, TopicCatalog catalog, String key, byte[] value)
            throws Exception {
        p.send(new ProducerRecord<>(catalog.advantages().name(), 0, key, value)).get(30, TimeUnit.SECONDS);
    }

    /** Dead letters from the advantages topic, by source offset. */
    private Map<Long, String> deadLetterReasons(TopicCatalog catalog, int expected) {
        Map<Long, String> reasons = new LinkedHashMap<>();
        TopicPartition tp = new TopicPartition(catalog.deadLetters().name(), 0);
        try (KafkaConsumer<String, byte[]> c = KafkaClients.rawConsumer(kafka, "faults-it-dlq", Map.of())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (reasons.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    DeadLetter d = Serdes.DEAD_LETTER.decode(r.value(), r.topic(), r.partition(), r.offset());
                    if (d.getSourceTopic()
                            .toString()
                            .equals(catalog.advantages().name())) {
                        reasons.put(d.getSourceOffset(), d.getReason().toString());
                    }
                }
            }
        }
        return reasons;
    }
}
