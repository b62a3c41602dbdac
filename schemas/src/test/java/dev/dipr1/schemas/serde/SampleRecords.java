package dev.dipr1.schemas.serde;

import dev.dipr1.schemas.Box;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/** One fully populated example of every record type, shared by the tests of several modules. */
public final class SampleRecords {

    private SampleRecords() {}

    public static PromptTask promptTask(String sampleId) {
        return PromptTask.newBuilder()
                .setSampleId(sampleId)
                .setDataset("synthetic-seed1")
                .setSplit("train")
                .setEpoch(0)
                .setImageUri("file:///data/images/" + sampleId + ".png")
                .setWidth(64)
                .setHeight(64)
                .setQuestion("Detect every person.")
                .setCreatedAtMs(java.time.Instant.ofEpochMilli(1_700_000_000_000L))
                .setImage(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
                .build();
    }

    public static GroundTruth groundTruth(String sampleId) {
        return GroundTruth.newBuilder()
                .setSampleId(sampleId)
                .setWidth(64)
                .setHeight(64)
                .setBoxes(List.of(new Box(1.0, 2.0, 11.0, 30.0), new Box(20.0, 5.0, 28.0, 40.0)))
                .setIgnoreRegions(List.of(new Box(50.0, 50.0, 54.0, 60.0)))
                .setVisibleBoxes(List.of())
                .build();
    }

    public static RolloutGroup rolloutGroup(String groupId, String sampleId) {
        Completion c = Completion.newBuilder()
                .setIndex(0)
                .setText("<think>2 people</think><look></look><answer>[[1,2,11,30]]</answer>")
                .setTokenIds(List.of(1, 2, 3))
                .setBehaviourLogprobs(List.of(-0.5f, -1.25f, -0.125f))
                .setFinishReason(FinishReason.EOS)
                .build();
        return RolloutGroup.newBuilder()
                .setGroupId(groupId)
                .setSampleId(sampleId)
                .setSplit("train")
                .setEpoch(0)
                .setPolicyVersion(3L)
                .setGeneratorId("gen-1")
                .setTemperature(1.0)
                .setTopP(1.0)
                .setSeed(42L)
                .setImageUri("file:///data/images/" + sampleId + ".png")
                .setImage(null)
                .setWidth(64)
                .setHeight(64)
                .setPromptTokenIds(List.of(7, 8, 9))
                .setCompletions(List.of(c))
                .setCreatedAtMs(java.time.Instant.ofEpochMilli(1_700_000_000_500L))
                .setGenerationMs(12L)
                .build();
    }

    public static ScoredGroup scoredGroup(String groupId) {
        return ScoredGroup.newBuilder()
                .setGroupId(groupId)
                .setRewardVersion(1)
                .setRewardConfigHash("abc123")
                .setRewardConfigJson("{}")
                .setScores(List.of(new CompletionScore(0, 1.0, 0.5, 0.75, 2.25, 0.0, false, 0)))
                .setRewardMean(2.25)
                .setRewardStd(0.0)
                .setZeroVariance(true)
                .setSourceTopic("dipr1.rollouts")
                .setSourcePartition(0)
                .setSourceOffset(17L)
                .setScoredAtMs(java.time.Instant.ofEpochMilli(1_700_000_001_000L))
                .setRollout(rolloutGroup(groupId, "s-1"))
                .build();
    }

    public static PolicyUpdate policyUpdate(long version) {
        return PolicyUpdate.newBuilder()
                .setVersion(version)
                .setStep(version * 4)
                .setCheckpointFormat("dipr1-policy/1")
                .setWeights(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setWeightsUri(null)
                .setSha256("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81")
                .setSizeBytes(3L)
                .setCreatedAtMs(java.time.Instant.ofEpochMilli(1_700_000_002_000L))
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("dipr1.rollouts")
                .setSourcePartition(1)
                .setSourceOffset(99L)
                .setSourceTimestampMs(1_700_000_000_000L)
                .setStage("reward-stream/decode")
                .setReason("undecodable record")
                .setErrorClass("dev.dipr1.schemas.serde.UndecodableRecordException")
                .setRawKey(ByteBuffer.wrap(new byte[] {'k'}))
                .setRawValue(ByteBuffer.wrap(new byte[] {0, 0, 0}))
                .setDeadLetteredAtMs(java.time.Instant.ofEpochMilli(1_700_000_003_000L))
                .build();
    }

    /** Every record type with its serde, for round-trip tests. */
    public static Map<AvroSerde<? extends SpecificRecordBase>, SpecificRecordBase> everyType() {
        return Map.of(
                Serdes.PROMPT_TASK, promptTask("s-1"),
                Serdes.GROUND_TRUTH, groundTruth("s-1"),
                Serdes.ROLLOUT_GROUP, rolloutGroup("s-1/e0", "s-1"),
                Serdes.SCORED_GROUP, scoredGroup("s-1/e0"),
                Serdes.POLICY_UPDATE, policyUpdate(1),
                Serdes.DEAD_LETTER, deadLetter());
    }
}
