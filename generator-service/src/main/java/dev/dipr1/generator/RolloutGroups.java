package dev.dipr1.generator;

import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the RolloutGroup record of one prompt from what the sampler made: pure, no model, no Kafka. */
public final class RolloutGroups {

    private RolloutGroups() {}

    /**
     * What one sampler call made for one prompt.
     *
     * @param policyVersion the version of the policy that sampled
     * @param seed the sampler seed of this group
     * @param promptIds the prompt tokens the completions continue
     * @param completions the G completions, in sampling order
     * @param generationNs how long sampling took
     */
    public record Sampled(
            long policyVersion, long seed, int[] promptIds, List<SampledCompletion> completions, long generationNs) {}

    /** The group id of a prompt: its sample and epoch, e.g. {@code train-000042/e0}. */
    public static String groupId(PromptTask task) {
        return task.getSampleId() + "/e" + task.getEpoch();
    }

    /**
     * {@code group} marked with where its prompt task was read: a redone prompt yields a second group with the
     * same coordinates, which is how the learner recognises it at any distance.
     */
    static RolloutGroup fromPrompt(RolloutGroup group, int promptPartition, long promptOffset) {
        return RolloutGroup.newBuilder(group)
                .setPromptPartition(promptPartition)
                .setPromptOffset(promptOffset)
                .build();
    }

    /** Completion tokens in all samples. */
    static long tokens(List<SampledCompletion> samples) {
        long tokens = 0;
        for (SampledCompletion sc : samples) {
            tokens += sc.tokenIds().length;
        }
        return tokens;
    }

    /** The wire form of the {@code index}-th sample. */
    static Completion completion(int index, SampledCompletion sc) {
        List<Integer> ids = new ArrayList<>(sc.tokenIds().length);
        List<Float> logProbs = new ArrayList<>(sc.logProbs().length);
        for (int t = 0; t < sc.tokenIds().length; t++) {
            ids.add(sc.tokenIds()[t]);
            logProbs.add(sc.logProbs()[t]);
        }
        return Completion.newBuilder()
                .setIndex(index)
                .setText(sc.text())
                .setTokenIds(ids)
                .setBehaviourLogprobs(logProbs)
                .setFinishReason(
                        sc.finishReason() == dev.dipr1.policy.FinishReason.EOS ? FinishReason.EOS : FinishReason.LENGTH)
                .build();
    }

    /**
     * The group of one prompt whose image the policy saw unchanged. The image travels inline: the
     * task's own PNG when it has one, else {@code image} encoded, so the reward stream and the
     * learner need no shared disk.
     */
    static RolloutGroup of(
            PromptTask task, BufferedImage image, Sampled sampled, GeneratorSettings settings, long createdAtMs) {
        return of(task, image, false, sampled, settings, createdAtMs);
    }

    /**
     * The group of one prompt, {@code image} being what the policy saw. When it was resized the
     * group carries it, not the task's PNG: the learner recomputes log-probs on the same pixels,
     * and width and height are the frame the completions' boxes are in.
     */
    static RolloutGroup of(
            PromptTask task,
            BufferedImage image,
            boolean resized,
            Sampled sampled,
            GeneratorSettings settings,
            long createdAtMs) {
        List<Completion> completions = new ArrayList<>(sampled.completions().size());
        for (int i = 0; i < sampled.completions().size(); i++) {
            completions.add(completion(i, sampled.completions().get(i)));
        }
        List<Integer> prompt = new ArrayList<>(sampled.promptIds().length);
        for (int id : sampled.promptIds()) {
            prompt.add(id);
        }
        return RolloutGroup.newBuilder()
                .setGroupId(groupId(task))
                .setSampleId(task.getSampleId())
                .setSplit(task.getSplit())
                .setEpoch(task.getEpoch())
                .setPolicyVersion(sampled.policyVersion())
                .setGeneratorId(settings.generatorId())
                .setTemperature(settings.temperature())
                .setTopP(settings.topP())
                .setSeed(sampled.seed())
                .setImageUri(task.getImageUri())
                .setImage(
                        task.getImage() != null && !resized
                                ? task.getImage()
                                : ByteBuffer.wrap(PngImages.encode(image)))
                .setWidth(image.getWidth())
                .setHeight(image.getHeight())
                .setPromptTokenIds(prompt)
                .setCompletions(completions)
                .setCreatedAtMs(Instant.ofEpochMilli(createdAtMs))
                .setGenerationMs(sampled.generationNs() / 1_000_000)
                .build();
    }
}
