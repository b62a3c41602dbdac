package dev.dipr1.rewardstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.schemas.Box;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reward topology on the TopologyTestDriver, built from the application's own catalog. */
class RewardTopologyTest {

    private static final TopicCatalog CATALOG = TopicCatalog.defaults();
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> rollouts;
    private TestInputTopic<String, GroundTruth> annotations;
    private TestOutputTopic<String, ScoredGroup> advantages;
    private TestOutputTopic<String, DeadLetter> deadLetters;
    private RewardStatistics stats;

    @BeforeEach
    void start() {
        stats = new RewardStatistics(new SimpleMeterRegistry());
        RewardStreamSettings settings =
                RewardStreamSettings.defaults(RewardConfig.defaults()).withAnnotationWait(WAIT);
        RewardTopology.Topics topics = new RewardTopology.Topics(
                CATALOG.rollouts(), CATALOG.annotations(), CATALOG.advantages(), CATALOG.deadLetters());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "reward-topology-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                RewardTopology.build(topics, settings, RolloutScorer.dipr1(RewardConfig.defaults()), stats), p, T0);
        rollouts =
                driver.createInputTopic(CATALOG.rollouts().name(), new StringSerializer(), new ByteArraySerializer());
        annotations = driver.createInputTopic(
                CATALOG.annotations().name(), new StringSerializer(), Serdes.GROUND_TRUTH.serializer());
        advantages = driver.createOutputTopic(
                CATALOG.advantages().name(), new StringDeserializer(), Serdes.SCORED_GROUP.deserializer());
        deadLetters = driver.createOutputTopic(
                CATALOG.deadLetters().name(), new StringDeserializer(), Serdes.DEAD_LETTER.deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void scoresAGroupWhoseAnnotationIsKnown() {
        // Given the annotation of sample s1: one person at [10,10,30,50]
        annotations.pipeInput("s1", truth("s1", new Box(10.0, 10.0, 30.0, 50.0)), T0);
        // When a group of two arrives: one exact answer, one malformed
        RolloutGroup g = group(
                "g1",
                "s1",
                List.of("<think>1 person</think><look></look><answer>[[10,10,30,50]]</answer>", "no tags at all"));
        rollouts.pipeInput("g1", Serdes.ROLLOUT_GROUP.encode(g), T0.plusSeconds(1));
        // Then one ScoredGroup with the rewards of rewards.md
        List<ScoredGroup> out = advantages.readValuesToList();
        assertEquals(1, out.size());
        ScoredGroup s = out.get(0);
        assertEquals("g1", s.getGroupId());
        assertEquals(RewardConfig.REWARD_VERSION, s.getRewardVersion());
        assertEquals(RewardConfig.defaults().stableHash(), s.getRewardConfigHash());
        CompletionScore good = s.getScores().get(0);
        CompletionScore bad = s.getScores().get(1);
        assertEquals(1.0, good.getFormat());
        assertEquals(1.0, good.getAccuracy(), 1e-12);
        assertEquals(0.0, bad.getFormat());
        assertEquals(0.0, bad.getAccuracy());
        assertTrue(good.getAdvantage() > 0 && bad.getAdvantage() < 0);
        assertEquals(0.0, good.getAdvantage() + bad.getAdvantage(), 1e-9);
        assertFalse(s.getZeroVariance());
        assertEquals(g, s.getRollout());
        assertEquals(T0.plusSeconds(1), s.getScoredAtMs(), "stream time, not the clock");
        assertTrue(deadLetters.isEmpty());
        assertEquals(1, stats.snapshot().get(3L).groups());
    }

    @Test
    void lateAnnotationWithinTheWaitIsJoined() {
        RolloutGroup g = group("g2", "s2", List.of("<think>x</think><look></look><answer>[]</answer>"));
        rollouts.pipeInput("g2", Serdes.ROLLOUT_GROUP.encode(g), T0);
        assertTrue(advantages.isEmpty(), "held while the annotation is missing");
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        annotations.pipeInput("s2", truth("s2"), T0.plusSeconds(3));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<ScoredGroup> out = advantages.readValuesToList();
        assertEquals(1, out.size());
        // No GT and no prediction: r_acc = 1 (rewards.md §3 edge case).
        assertEquals(1.0, out.get(0).getScores().get(0).getAccuracy());
        assertTrue(deadLetters.isEmpty());
        driver.advanceWallClockTime(Duration.ofSeconds(20));
        assertTrue(advantages.isEmpty() && deadLetters.isEmpty(), "scored once, then forgotten");
    }

    @Test
    void annotationThatNeverArrivesEndsAsADeadLetterWithTheRawRecord() {
        RolloutGroup g = group("g3", "missing", List.of("<think>x</think><look></look><answer>[]</answer>"));
        byte[] bytes = Serdes.ROLLOUT_GROUP.encode(g);
        rollouts.pipeInput("g3", bytes, T0);
        driver.advanceWallClockTime(WAIT.minusSeconds(2));
        assertTrue(deadLetters.isEmpty(), "still within the wait");
        driver.advanceWallClockTime(Duration.ofSeconds(3));
        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(1, dead.size());
        DeadLetter d = dead.get(0);
        assertEquals(CATALOG.rollouts().name(), d.getSourceTopic());
        assertEquals(0L, d.getSourceOffset());
        assertEquals("reward-stream/join", d.getStage());
        assertTrue(d.getReason().contains("no annotation for sample missing"), d.getReason());
        assertEquals(java.nio.ByteBuffer.wrap(bytes), d.getRawValue());
        assertEquals(java.nio.ByteBuffer.wrap("g3".getBytes(StandardCharsets.UTF_8)), d.getRawKey());
        assertTrue(advantages.isEmpty());
    }

    @Test
    void poisonPillIsDeadLetteredAndValidRecordsStillFlow() {
        annotations.pipeInput("s1", truth("s1", new Box(0.0, 0.0, 8.0, 20.0)), T0);
        rollouts.pipeInput("ok-1", Serdes.ROLLOUT_GROUP.encode(group("ok-1", "s1", List.of("a", "b"))), T0);
        rollouts.pipeInput("poison", new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}, T0.plusMillis(1));
        rollouts.pipeInput("ok-2", Serdes.ROLLOUT_GROUP.encode(group("ok-2", "s1", List.of("c"))), T0.plusMillis(2));
        List<String> keys = new ArrayList<>();
        advantages.readKeyValuesToList().forEach(kv -> keys.add(kv.key));
        assertEquals(List.of("ok-1", "ok-2"), keys);
        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(1, dead.size());
        assertEquals("reward-stream/decode", dead.get(0).getStage());
        assertEquals(1L, dead.get(0).getSourceOffset());
        assertTrue(dead.get(0).getReason().contains("undecodable"), dead.get(0).getReason());
    }

    @Test
    void groupOverTheSizeLimitIsDeadLettered() {
        annotations.pipeInput("s1", truth("s1"), T0);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < RewardStreamSettings.DEFAULT_MAX_GROUP_SIZE + 1; i++) {
            many.add("x");
        }
        rollouts.pipeInput("big", Serdes.ROLLOUT_GROUP.encode(group("big", "s1", many)), T0);
        rollouts.pipeInput("empty", Serdes.ROLLOUT_GROUP.encode(group("empty", "s1", List.of())), T0);
        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(2, dead.size());
        assertTrue(
                dead.get(0).getReason().contains("--max-group-size"),
                dead.get(0).getReason());
        assertTrue(
                dead.get(1).getReason().contains("no completions"), dead.get(1).getReason());
        assertTrue(advantages.isEmpty());
    }

    @Test
    void badAnnotationsAreDeadLetteredOnceAndGoodOnesStillJoin() {
        TestInputTopic<String, byte[]> rawAnnotations = driver.createInputTopic(
                CATALOG.annotations().name(), new StringSerializer(), new ByteArraySerializer());
        byte[] junk = {(byte) 0xC3, 0x01, 9, 9, 9};
        // Given random bytes, an annotation under another sample's key, then a good one
        rawAnnotations.pipeInput("s9", junk, T0);
        annotations.pipeInput("s8", truth("s1"), T0);
        annotations.pipeInput("s1", truth("s1", new Box(10.0, 10.0, 30.0, 50.0)), T0);
        // When the retry interval passes, twice
        driver.advanceWallClockTime(RewardStreamSettings.DEFAULT_RETRY_INTERVAL);
        driver.advanceWallClockTime(RewardStreamSettings.DEFAULT_RETRY_INTERVAL);
        // Then each bad record is one dead letter with its raw bytes, coordinates and reason
        List<DeadLetter> dead = deadLetters.readValuesToList();
        assertEquals(2, dead.size(), dead.toString());
        DeadLetter undecodable = dead.get(0);
        assertEquals(CATALOG.annotations().name(), undecodable.getSourceTopic());
        assertEquals(0L, undecodable.getSourceOffset());
        assertEquals(AnnotationLoader.STAGE, undecodable.getStage());
        assertEquals(java.nio.ByteBuffer.wrap(junk), undecodable.getRawValue());
        assertEquals(java.nio.ByteBuffer.wrap("s9".getBytes(StandardCharsets.UTF_8)), undecodable.getRawKey());
        assertTrue(undecodable.getReason().contains("undecodable"), undecodable.getReason());
        assertEquals(1L, dead.get(1).getSourceOffset());
        assertTrue(dead.get(1).getReason().contains("keyed s8"), dead.get(1).getReason());
        // And the good annotation is joined
        rollouts.pipeInput(
                "g1",
                Serdes.ROLLOUT_GROUP.encode(
                        group("g1", "s1", List.of("<think>1</think><look></look><answer>[[10,10,30,50]]</answer>"))),
                T0.plusSeconds(3));
        assertEquals(1, advantages.readValuesToList().size());
        assertEquals(2L, stats.deadLettered(), "counted");
    }

    @Test
    void aRecordThatAlwaysFailsIsDeadLetteredAndTheStreamGoesOn() {
        // Given a scorer with a bug that only group "bad" triggers, and the service's exception handler
        RolloutScorer dipr1 = RolloutScorer.dipr1(RewardConfig.defaults());
        RolloutScorer buggy = (rollout, truth, source) ->
                rollout.getGroupId().equals("bad") ? null : dipr1.score(rollout, truth, source);
        try (TopologyTestDriver d = driverWith(buggy)) {
            TestInputTopic<String, byte[]> in =
                    d.createInputTopic(CATALOG.rollouts().name(), new StringSerializer(), new ByteArraySerializer());
            d.createInputTopic(CATALOG.annotations().name(), new StringSerializer(), Serdes.GROUND_TRUTH.serializer())
                    .pipeInput("s1", truth("s1"), T0);
            byte[] bad = Serdes.ROLLOUT_GROUP.encode(group("bad", "s1", List.of("a", "b")));
            // When it arrives between two good groups
            in.pipeInput("ok-1", Serdes.ROLLOUT_GROUP.encode(group("ok-1", "s1", List.of("a", "b"))), T0);
            in.pipeInput("bad", bad, T0.plusMillis(1));
            in.pipeInput("ok-2", Serdes.ROLLOUT_GROUP.encode(group("ok-2", "s1", List.of("c"))), T0.plusMillis(2));
            // Then it is a dead letter with its raw bytes and coordinates, and the good groups are scored
            List<String> keys = new ArrayList<>();
            d.createOutputTopic(
                            CATALOG.advantages().name(), new StringDeserializer(), Serdes.SCORED_GROUP.deserializer())
                    .readKeyValuesToList()
                    .forEach(kv -> keys.add(kv.key));
            assertEquals(List.of("ok-1", "ok-2"), keys);
            List<DeadLetter> dead = d.createOutputTopic(
                            CATALOG.deadLetters().name(), new StringDeserializer(), Serdes.DEAD_LETTER.deserializer())
                    .readValuesToList();
            assertEquals(1, dead.size());
            assertEquals(DeadLetteringExceptionHandler.STAGE, dead.get(0).getStage());
            assertEquals(CATALOG.rollouts().name(), dead.get(0).getSourceTopic());
            assertEquals(1L, dead.get(0).getSourceOffset());
            assertEquals(java.nio.ByteBuffer.wrap(bad), dead.get(0).getRawValue());
            assertTrue(
                    dead.get(0).getReason().contains("NullPointerException"),
                    dead.get(0).getReason());
        }
    }

    @Test
    void theServiceFindsTheDeadLetterTopicOfTheTopology() {
        RewardTopology.Topics topics = new RewardTopology.Topics(
                CATALOG.rollouts(), CATALOG.annotations(), CATALOG.advantages(), CATALOG.deadLetters());
        assertEquals(
                java.util.Optional.of(CATALOG.deadLetters().name()),
                RewardTopology.deadLetterTopic(RewardTopology.build(
                        topics,
                        RewardStreamSettings.defaults(RewardConfig.defaults()),
                        RolloutScorer.dipr1(RewardConfig.defaults()),
                        stats)));
    }

    private TopologyTestDriver driverWith(RolloutScorer scorer) {
        RewardTopology.Topics topics = new RewardTopology.Topics(
                CATALOG.rollouts(), CATALOG.annotations(), CATALOG.advantages(), CATALOG.deadLetters());
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "reward-topology-test-handler");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        DeadLetteringExceptionHandler.install(p, CATALOG.deadLetters().name());
        return new TopologyTestDriver(
                RewardTopology.build(
                        topics,
                        RewardStreamSettings.defaults(RewardConfig.defaults()).withAnnotationWait(WAIT),
                        scorer,
                        new RewardStatistics(new SimpleMeterRegistry())),
                p,
                T0);
    }

    static GroundTruth truth(String sampleId, Box... boxes) {
        return GroundTruth.newBuilder()
                .setSampleId(sampleId)
                .setWidth(64)
                .setHeight(64)
                .setBoxes(List.of(boxes))
                .setIgnoreRegions(List.of())
                .setVisibleBoxes(List.of())
                .build();
    }

    static RolloutGroup group(String groupId, String sampleId, List<String> texts) {
        List<Completion> cs = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            cs.add(Completion.newBuilder()
                    .setIndex(i)
                    .setText(texts.get(i))
                    .setTokenIds(List.of(1, 2))
                    .setBehaviourLogprobs(List.of(-0.1f, -0.2f))
                    .setFinishReason(FinishReason.EOS)
                    .build());
        }
        return RolloutGroup.newBuilder()
                .setGroupId(groupId)
                .setSampleId(sampleId)
                .setSplit("train")
                .setEpoch(0)
                .setPolicyVersion(3L)
                .setGeneratorId("gen-test")
                .setTemperature(1.0)
                .setTopP(1.0)
                .setSeed(1L)
                .setImageUri("file:///x.png")
                .setImage(null)
                .setWidth(64)
                .setHeight(64)
                .setPromptTokenIds(List.of(5))
                .setCompletions(cs)
                .setCreatedAtMs(T0)
                .setGenerationMs(1L)
                .build();
    }
}
