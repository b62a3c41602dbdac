package dev.dipr1.learner;

import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds small scored groups for tests: one completion per {@link Sample}, a 4×2 image of one colour. */
final class ScoredGroups {

    /** One completion with its behaviour log-probs, advantage and rewards. */
    record Sample(int[] tokens, float[] oldLogProbs, double advantage, double format, double look, double accuracy) {

        static Sample of(int[] tokens, float[] oldLogProbs, double advantage) {
            return new Sample(tokens, oldLogProbs, advantage, 1.0, 0.5, 0.25);
        }
    }

    private ScoredGroups() {}

    /** A valid group of two completions at policy version 0 that the tiny test policy can train on. */
    static ScoredGroup trainable(String id) {
        return withSquareImage(
                group(
                        id,
                        0,
                        1.0,
                        0,
                        Sample.of(new int[] {9, 10, 11}, new float[] {-1f, -2f, -1.5f}, 0.7),
                        Sample.of(new int[] {9, 2}, new float[] {-1f, -0.5f}, -0.7)),
                PolicyConfig.tiny().imageSize());
    }

    /** {@code g} made for the prompt at {@code offset} of prompt partition {@code partition}. */
    static ScoredGroup fromPrompt(ScoredGroup g, int partition, long offset) {
        RolloutGroup r = RolloutGroup.newBuilder(g.getRollout())
                .setPromptPartition(partition)
                .setPromptOffset(offset)
                .build();
        return ScoredGroup.newBuilder(g).setRollout(r).build();
    }

    /** {@code g} with a {@code side × side} PNG of one colour instead of its image. */
    static ScoredGroup withSquareImage(ScoredGroup g, int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, 0x336699);
            }
        }
        RolloutGroup r = RolloutGroup.newBuilder(g.getRollout())
                .setImage(ByteBuffer.wrap(PngImages.encode(image)))
                .setWidth(side)
                .setHeight(side)
                .build();
        return ScoredGroup.newBuilder(g).setRollout(r).build();
    }

    static ScoredGroup group(String id, long policyVersion, double temperature, int rgb, Sample... samples) {
        List<Completion> completions = new ArrayList<>();
        List<CompletionScore> scores = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) {
            Sample s = samples[k];
            List<Integer> tokens = new ArrayList<>();
            for (int t : s.tokens()) {
                tokens.add(t);
            }
            List<Float> lps = new ArrayList<>();
            for (float lp : s.oldLogProbs()) {
                lps.add(lp);
            }
            completions.add(Completion.newBuilder()
                    .setIndex(k)
                    .setText("")
                    .setTokenIds(tokens)
                    .setBehaviourLogprobs(lps)
                    .setFinishReason(FinishReason.LENGTH)
                    .build());
            scores.add(new CompletionScore(
                    k,
                    s.format(),
                    s.look(),
                    s.accuracy(),
                    s.format() + s.look() + s.accuracy(),
                    s.advantage(),
                    false,
                    0));
        }
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        RolloutGroup r = RolloutGroup.newBuilder()
                .setGroupId(id)
                .setSampleId(id)
                .setSplit("train")
                .setEpoch(0)
                .setPolicyVersion(policyVersion)
                .setGeneratorId("test")
                .setTemperature(temperature)
                .setTopP(1.0)
                .setSeed(0)
                .setImageUri("inline")
                .setImage(ByteBuffer.wrap(PngImages.encode(image)))
                .setWidth(4)
                .setHeight(2)
                .setPromptTokenIds(List.of())
                .setCompletions(completions)
                .setCreatedAtMs(Instant.EPOCH)
                .setGenerationMs(0L)
                .build();
        return ScoredGroup.newBuilder()
                .setGroupId(id)
                .setRewardVersion(1)
                .setRewardConfigHash("h")
                .setRewardConfigJson("{}")
                .setScores(scores)
                .setRewardMean(0)
                .setRewardStd(0)
                .setZeroVariance(false)
                .setSourceTopic("t")
                .setSourcePartition(0)
                .setSourceOffset(0)
                .setScoredAtMs(Instant.EPOCH)
                .setRollout(r)
                .build();
    }
}
