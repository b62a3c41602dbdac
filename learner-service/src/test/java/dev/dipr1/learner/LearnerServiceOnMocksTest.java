package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.common.AtomicFiles;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.GroupsReadHeaders;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner's guarantees on Kafka's mock clients and a tiny real policy: checkpoint before
 * publish, the re-publish after a crash between the two, temporary files cleaned at start-up,
 * bad groups dead-lettered while good ones train.
 */
class LearnerServiceOnMocksTest {

    private static final TopicCatalog CATALOG = TopicCatalog.withPrefix("unit.");
    private static final String TOPIC = CATALOG.advantages().name();
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @BeforeAll
    static void djl() {
        DjlEnvironment.init();
    }

    /** A producer that lets a test see, or fail, each policy update at the moment it is sent. */
    private static final class PolicyWatchingProducer extends MockProducer<String, byte[]> {
        private final java.util.function.Consumer<PolicyUpdate> onPolicy;

        PolicyWatchingProducer(java.util.function.Consumer<PolicyUpdate> onPolicy) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.onPolicy = onPolicy;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> r, Callback callback) {
            if (r.topic().equals(CATALOG.policy().name())) {
                onPolicy.accept(Serdes.POLICY_UPDATE.decode(r.value(), r.topic(), 0, 0));
            }
            return super.send(r, callback);
        }

        List<PolicyUpdate> policyUpdates() {
            return history().stream()
                    .filter(r -> r.topic().equals(CATALOG.policy().name()))
                    .map(r -> Serdes.POLICY_UPDATE.decode(r.value(), r.topic(), 0, 0))
                    .toList();
        }

        List<DeadLetter> deadLetters() {
            return history().stream()
                    .filter(r -> r.topic().equals(CATALOG.deadLetters().name()))
                    .map(r -> Serdes.DEAD_LETTER.decode(r.value(), r.topic(), 0, 0))
                    .toList();
        }
    }

    private static ScoredGroup good(String id) {
        return ScoredGroups.trainable(id);
    }

    private static MockConsumer<String, byte[]> consumerOf(List<byte[]> values) {
        MockConsumer<String, byte[]> c = new MockConsumer<>("none");
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, new Node[0], new Node[0])));
        c.updateBeginningOffsets(Map.of(TP, 0L));
        c.updateEndOffsets(Map.of(TP, (long) values.size()));
        c.schedulePollTask(() -> {
            for (int i = 0; i < values.size(); i++) {
                c.addRecord(new ConsumerRecord<>(TOPIC, 0, i, "k" + i, values.get(i)));
            }
        });
        return c;
    }

    private static List<byte[]> encoded(List<ScoredGroup> groups) {
        return groups.stream().map(Serdes.SCORED_GROUP::encode).toList();
    }

    private static LearnerSettings settings(Path dir, int publishEvery, int checkpointEvery, int maxSteps) {
        return new LearnerSettings(
                1,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                100,
                true,
                publishEvery,
                checkpointEvery,
                dir.resolve("learner.ckpt"),
                dir.resolve("policies"),
                1 << 24,
                maxSteps,
                false);
    }

    /** Runs a learner on fresh mock clients until it stops or fails; returns what it threw. */
    private static RuntimeException run(
            MockConsumer<String, byte[]> consumer, PolicyWatchingProducer producer, LearnerSettings settings)
            throws Exception {
        return run(consumer, producer, settings, new SimpleMeterRegistry(), new ArrayList<>());
    }

    /** As above, counting in {@code registry} and adding the learner's steps to {@code steps}. */
    private static RuntimeException run(
            MockConsumer<String, byte[]> consumer,
            PolicyWatchingProducer producer,
            LearnerSettings settings,
            SimpleMeterRegistry registry,
            List<StepStats> steps)
            throws Exception {
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy ref = init.copy();
                LearnerService learner = new LearnerService(
                        consumer, producer, CATALOG, TOPIC, init.copy(), ref, settings, registry, () -> 0L)) {
            learner.onStep(steps::add);
            try {
                learner.run();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }
    }

    private static LearnerSettings withRecentIds(LearnerSettings s, int recentGroupIds) {
        return new LearnerSettings(
                s.batchGroups(),
                s.innerIterations(),
                s.learningRate(),
                s.loss(),
                s.maxStaleness(),
                s.skipZeroVariance(),
                s.publishEvery(),
                s.checkpointEvery(),
                s.checkpointPath(),
                s.policyDir(),
                s.inlineLimit(),
                s.maxSteps(),
                s.startAtEnd(),
                recentGroupIds);
    }

    private static double duplicatesDropped(SimpleMeterRegistry registry) {
        return registry.get("batch/dropped")
                .tag("reason", "duplicate")
                .counter()
                .count();
    }

    /**
     * Only the checkpointed window of ids can recognise this one: a feeder published sample a, epoch 0 again,
     * so its group comes from another prompt record (other coordinates) with the same id.
     */
    @Test
    void aGroupIdAppliedBeforeARestartIsDroppedWhenItComesBackFromAnotherPromptRecord(@TempDir Path dir)
            throws Exception {
        ScoredGroup a = ScoredGroups.fromPrompt(good("a/e0"), 0, 0);
        ScoredGroup b = ScoredGroups.fromPrompt(good("b/e0"), 0, 1);
        ScoredGroup refed = ScoredGroups.fromPrompt(good("a/e0"), 0, 2);
        ScoredGroup c = ScoredGroups.fromPrompt(good("c/e0"), 0, 3);
        assertEquals(
                null,
                run(consumerOf(encoded(List.of(a, b))), new PolicyWatchingProducer(u -> {}), settings(dir, 1, 1, 2)));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<StepStats> steps = new ArrayList<>();
        RuntimeException e = run(
                consumerOf(encoded(List.of(a, b, refed, c))),
                new PolicyWatchingProducer(u -> {}),
                settings(dir, 1, 1, 3),
                registry,
                steps);

        assertEquals(null, e);
        assertEquals(1.0, duplicatesDropped(registry));
        assertEquals(
                List.of(List.of("c/e0")),
                steps.stream().map(StepStats::groupIds).toList());
    }

    /**
     * Only the checkpointed prompts can recognise this one: the window of ids holds one id, long since another,
     * and a redone prompt's group comes back with the same coordinates.
     */
    @Test
    void aRedonePromptAppliedBeforeARestartIsDroppedLongAfterItsIdLeftTheWindow(@TempDir Path dir) throws Exception {
        ScoredGroup a = ScoredGroups.fromPrompt(good("a/e0"), 0, 0);
        ScoredGroup b = ScoredGroups.fromPrompt(good("b/e0"), 0, 1);
        ScoredGroup c = ScoredGroups.fromPrompt(good("c/e0"), 0, 2);
        assertEquals(
                null,
                run(
                        consumerOf(encoded(List.of(a, b))),
                        new PolicyWatchingProducer(u -> {}),
                        withRecentIds(settings(dir, 1, 1, 2), 1)));

        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<StepStats> steps = new ArrayList<>();
        RuntimeException e = run(
                consumerOf(encoded(List.of(a, b, a, c))),
                new PolicyWatchingProducer(u -> {}),
                withRecentIds(settings(dir, 1, 1, 3), 1),
                registry,
                steps);

        assertEquals(null, e);
        assertEquals(1.0, duplicatesDropped(registry));
        assertEquals(
                List.of(List.of("c/e0")),
                steps.stream().map(StepStats::groupIds).toList());
    }

    @Test
    void aSecondLearnerOnTheSameCheckpointRefusesToStart(@TempDir Path dir) throws Exception {
        LearnerSettings s = settings(dir, 1, 10, 3);
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy ref = init.copy();
                LearnerService first = new LearnerService(
                        consumerOf(List.of()),
                        new PolicyWatchingProducer(u -> {}),
                        CATALOG,
                        TOPIC,
                        init.copy(),
                        ref,
                        s,
                        new SimpleMeterRegistry(),
                        () -> 0L)) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> new LearnerService(
                            consumerOf(List.of()),
                            new PolicyWatchingProducer(u -> {}),
                            CATALOG,
                            TOPIC,
                            init.copy(),
                            ref,
                            s,
                            new SimpleMeterRegistry(),
                            () -> 0L));
            assertTrue(e.getMessage().contains("another learner is using the checkpoint"), e.getMessage());
            assertEquals(0, first.step());
        }
    }

    @Test
    void eachPolicyVersionIsCheckpointedWithTheSameBytesBeforeItIsPublished(@TempDir Path dir) throws Exception {
        // Given a learner that publishes every step but checkpoints only every tenth
        LearnerSettings s = settings(dir, 1, 10, 3);
        List<String> seen = new ArrayList<>();
        PolicyWatchingProducer producer = new PolicyWatchingProducer(u -> {
            try {
                LearnerCheckpoint ck = LearnerCheckpoint.load(s.checkpointPath());
                seen.add("v" + u.getVersion() + ": checkpoint v" + ck.policyVersion() + " same bytes "
                        + PolicyUpdates.sha256(ck.policy()).equals(u.getSha256()));
            } catch (Exception e) {
                seen.add("v" + u.getVersion() + ": no checkpoint (" + e + ")");
            }
        });
        // When it takes three steps
        assertEquals(null, run(consumerOf(encoded(List.of(good("a"), good("b"), good("c")))), producer, s));
        // Then at the moment each version went out, the checkpoint on disk already held it, byte for byte
        assertEquals(
                List.of(
                        "v1: checkpoint v1 same bytes true",
                        "v2: checkpoint v2 same bytes true",
                        "v3: checkpoint v3 same bytes true"),
                seen);
    }

    private static ScoredGroup from(String generatorId, String id) {
        ScoredGroup g = good(id);
        return ScoredGroup.newBuilder(g)
                .setRollout(dev.dipr1.schemas.RolloutGroup.newBuilder(g.getRollout())
                        .setGeneratorId(generatorId)
                        .build())
                .build();
    }

    @Test
    void eachPolicyUpdateSaysHowManyGroupsOfEachGeneratorTheLearnerHadRead(@TempDir Path dir) throws Exception {
        // Given groups of two generators, one of them sent twice (the copy is dropped, but it was read)
        LearnerSettings s = settings(dir, 1, 10, 3);
        PolicyWatchingProducer producer = new PolicyWatchingProducer(u -> {});
        List<ScoredGroup> groups =
                List.of(from("gen-a", "a"), from("gen-a", "a"), from("gen-b", "b"), from("gen-a", "c"));
        // When it takes a step (and publishes) after a, after b and after c
        assertEquals(null, run(consumerOf(encoded(groups)), producer, s));
        // Then each update counts the groups read up to it, per generator
        List<String> counts = producer.history().stream()
                .filter(r -> r.topic().equals(CATALOG.policy().name()))
                .map(r -> GroupsReadHeaders.read(r.headers(), "gen-a").getAsLong() + ","
                        + GroupsReadHeaders.read(r.headers(), "gen-b").getAsLong())
                .toList();
        assertEquals(List.of("1,0", "2,1", "3,1"), counts);
    }

    @Test
    void aCrashBetweenCheckpointAndPublishIsHealedByRepublishingTheCheckpointedBytes(@TempDir Path dir)
            throws Exception {
        LearnerSettings s = settings(dir, 1, 1, 1);
        // Given a learner whose first publish fails (the process dies there)
        PolicyWatchingProducer dying = new PolicyWatchingProducer(u -> {
            throw new KafkaException("killed while publishing");
        });
        RuntimeException e = run(consumerOf(encoded(List.of(good("a")))), dying, s);
        assertTrue(e != null && e.getMessage().contains("cannot publish policy v1"), String.valueOf(e));
        LearnerCheckpoint ck = LearnerCheckpoint.load(s.checkpointPath());
        assertEquals(1, ck.policyVersion(), "v1 was checkpointed before its publish");
        // When it restarts (already at its last step: it takes no other)
        PolicyWatchingProducer producer = new PolicyWatchingProducer(u -> {});
        assertEquals(null, run(consumerOf(encoded(List.of(good("a")))), producer, s));
        // Then v1 goes out with exactly the checkpointed bytes
        List<PolicyUpdate> updates = producer.policyUpdates();
        assertEquals(1, updates.size(), "one re-publish");
        assertEquals(1L, (long) updates.get(0).getVersion());
        assertArrayEquals(ck.policy(), bytes(updates.get(0).getWeights()));
    }

    @Test
    void aCheckpointTakenAfterItsVersionWentOutIsNotRepublished(@TempDir Path dir) throws Exception {
        // Given a checkpoint at step 3 of a learner that published v1 at step 2 (K = 2)
        LearnerSettings s = settings(dir, 2, 1, 3);
        List<ScoredGroup> groups = List.of(good("a"), good("b"), good("c"));
        assertEquals(null, run(consumerOf(encoded(groups)), new PolicyWatchingProducer(u -> {}), s));
        LearnerCheckpoint ck = LearnerCheckpoint.load(s.checkpointPath());
        assertEquals(3, ck.step());
        assertEquals(1, ck.policyVersion());
        // When it restarts, Then its step-3 weights are not sent as v1 (v1 holds the step-2 weights)
        PolicyWatchingProducer producer = new PolicyWatchingProducer(u -> {});
        assertEquals(null, run(consumerOf(encoded(groups)), producer, s));
        assertEquals(List.of(), producer.policyUpdates());
    }

    @Test
    void orphanTemporaryFilesBesideTheCheckpointAreRemovedAtStartUp(@TempDir Path dir) throws Exception {
        LearnerSettings s = settings(dir, 1, 1, 0);
        Path orphan = dir.resolve(AtomicFiles.tempPrefix(s.checkpointPath()) + "1f2e3d.tmp");
        Files.write(orphan, new byte[1024]);
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy ref = init.copy();
                LearnerService learner = new LearnerService(
                        consumerOf(List.of()),
                        new PolicyWatchingProducer(u -> {}),
                        CATALOG,
                        TOPIC,
                        init.copy(),
                        ref,
                        s,
                        new SimpleMeterRegistry(),
                        () -> 0L)) {
            assertFalse(Files.exists(orphan), "removed before the learner runs");
            assertEquals(0, learner.step());
        }
    }

    @Test
    void aNaNScoreIsDeadLetteredAndCountsAsConsumedWhileGoodGroupsTrain(@TempDir Path dir) throws Exception {
        // Given a group with a NaN advantage and one with a score missing, between good groups
        ScoredGroup nan = ScoredGroup.newBuilder(good("nan"))
                .setScores(List.of(
                        dev.dipr1.schemas.CompletionScore.newBuilder(
                                        good("x").getScores().get(0))
                                .setAdvantage(Double.NaN)
                                .build(),
                        good("x").getScores().get(1)))
                .build();
        ScoredGroup short1 = ScoredGroup.newBuilder(good("short"))
                .setScores(good("x").getScores().subList(0, 1))
                .build();
        LearnerSettings s = settings(dir, 1, 1, 2);
        PolicyWatchingProducer producer = new PolicyWatchingProducer(u -> {});
        // When the learner reads them
        assertEquals(null, run(consumerOf(encoded(List.of(good("a"), nan, short1, good("b")))), producer, s));
        // Then it trained on both good groups, and the bad ones are dead letters with their reasons
        List<DeadLetter> dead = producer.deadLetters();
        assertEquals(2, dead.size());
        assertEquals(1L, (long) dead.get(0).getSourceOffset());
        assertTrue(
                dead.get(0).getReason().toString().contains("score 0 advantage is NaN"),
                dead.get(0).getReason().toString());
        assertEquals(2L, (long) dead.get(1).getSourceOffset());
        assertTrue(
                dead.get(1).getReason().toString().contains("1 scores for 2 completions"),
                dead.get(1).getReason().toString());
        LearnerCheckpoint ck = LearnerCheckpoint.load(s.checkpointPath());
        assertEquals(2, ck.step());
        assertEquals(Map.of(0, 4L), ck.nextOffsets(), "the bad records count as consumed");
    }

    @Test
    void groupsWhoseFiniteNumbersWouldOverflowTheFloatLossAreDeadLetteredNotFatal(@TempDir Path dir) throws Exception {
        // Given an advantage that is finite as a double but not as a float, and a behaviour log-prob of -1e30
        ScoredGroup hugeAdvantage = ScoredGroup.newBuilder(good("huge-advantage"))
                .setScores(List.of(
                        dev.dipr1.schemas.CompletionScore.newBuilder(
                                        good("x").getScores().get(0))
                                .setAdvantage(1e300)
                                .build(),
                        good("x").getScores().get(1)))
                .build();
        ScoredGroup g = good("tiny-log-prob");
        List<dev.dipr1.schemas.Completion> cs = new ArrayList<>(g.getRollout().getCompletions());
        cs.set(
                1,
                dev.dipr1.schemas.Completion.newBuilder(cs.get(1))
                        .setBehaviourLogprobs(List.of(-1e30f, -1f))
                        .build());
        ScoredGroup tinyLogProb = ScoredGroup.newBuilder(g)
                .setRollout(dev.dipr1.schemas.RolloutGroup.newBuilder(g.getRollout())
                        .setCompletions(cs)
                        .build())
                .build();
        LearnerSettings s = settings(dir, 1, 1, 2);
        PolicyWatchingProducer producer = new PolicyWatchingProducer(u -> {});
        // When the learner reads them between good groups, Then it trains on the good ones and dead-letters these
        assertEquals(
                null, run(consumerOf(encoded(List.of(good("a"), hugeAdvantage, tinyLogProb, good("b")))), producer, s));
        assertEquals(
                List.of(1L, 2L),
                producer.deadLetters().stream()
                        .map(d -> (long) d.getSourceOffset())
                        .toList());
        assertEquals(2, LearnerCheckpoint.load(s.checkpointPath()).step());
    }

    @Test
    void aDivergedStepSaysWhatWasSeenWithoutBlamingTheRecordsOrTheLearningRate() {
        String m = new DivergedStepException(
                        6, new GrpoStep.Result(Double.NaN, 0.0553, 0.1, 3.5), List.of("a", "b"), 1e-4f)
                .getMessage();
        assertTrue(m.contains("step 6") && m.contains("NaN") && m.contains("0.0553") && m.contains("[a, b]"), m);
        assertFalse(m.contains("lower --lr"), m);
        assertThrows(IllegalStateException.class, () -> {
            throw new DivergedStepException(1, new GrpoStep.Result(1, Double.NaN, 0, 0), List.of(), 1e-4f);
        });
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
