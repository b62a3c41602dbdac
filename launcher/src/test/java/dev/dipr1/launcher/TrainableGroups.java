package dev.dipr1.launcher;

import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scored groups the tiny test policy passes validation on and trains on: two completions with opposite
 * advantages, a one-colour PNG of the policy's size, sampled by policy version 0.
 */
final class TrainableGroups {

    private TrainableGroups() {}

    /** Group {@code id}, made for the prompt at {@code promptOffset} of prompt partition 0. */
    static ScoredGroup of(String id, long promptOffset) {
        int side = PolicyConfig.tiny().imageSize();
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        int rgb = (int) (promptOffset * 2654435761L) & 0xFFFFFF;
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        List<Completion> completions = List.of(completion(0, List.of(9, 10, 11)), completion(1, List.of(9, 2)));
        List<CompletionScore> scores = List.of(
                new CompletionScore(0, 1.0, 0.5, 1.0, 2.5, 0.7, false, 0),
                new CompletionScore(1, 1.0, 0.5, 0.0, 1.5, -0.7, false, 0));
        RolloutGroup r = RolloutGroup.newBuilder()
                .setGroupId(id)
                .setSampleId(id)
                .setSplit("train")
                .setEpoch(0)
                .setPolicyVersion(0L)
                .setGeneratorId("test")
                .setTemperature(1.0)
                .setTopP(1.0)
                .setSeed(promptOffset)
                .setImageUri("inline")
                .setImage(ByteBuffer.wrap(PngImages.encode(image)))
                .setWidth(side)
                .setHeight(side)
                .setPromptTokenIds(List.of())
                .setCompletions(completions)
                .setCreatedAtMs(Instant.EPOCH)
                .setGenerationMs(0L)
                .setPromptPartition(0)
                .setPromptOffset(promptOffset)
                .build();
        return ScoredGroup.newBuilder()
                .setGroupId(id)
                .setRewardVersion(1)
                .setRewardConfigHash("h")
                .setRewardConfigJson("{}")
                .setScores(scores)
                .setRewardMean(2.0)
                .setRewardStd(0.7)
                .setZeroVariance(false)
                .setSourceTopic("t")
                .setSourcePartition(0)
                .setSourceOffset(promptOffset)
                .setScoredAtMs(Instant.EPOCH)
                .setRollout(r)
                .build();
    }

    private static Completion completion(int index, List<Integer> tokens) {
        return Completion.newBuilder()
                .setIndex(index)
                .setText("")
                .setTokenIds(tokens)
                .setBehaviourLogprobs(tokens.stream().map(t -> -1.0f).toList())
                .setFinishReason(FinishReason.LENGTH)
                .build();
    }

    /** Writes {@code groups} to {@code topic}, each acknowledged before the next is sent. */
    static void send(ClientSettings kafka, String topic, List<ScoredGroup> groups) throws Exception {
        try (KafkaProducer<String, byte[]> producer = KafkaClients.rawProducer(kafka, "trainable-groups", Map.of())) {
            for (ScoredGroup g : groups) {
                producer.send(new ProducerRecord<>(topic, g.getGroupId(), Serdes.SCORED_GROUP.encode(g)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
