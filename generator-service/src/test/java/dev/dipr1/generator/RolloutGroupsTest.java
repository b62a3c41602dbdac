package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutGroupsTest {

    private static final GeneratorSettings SETTINGS = new GeneratorSettings("gen-t", 2, 0.5f, 0.9f, 16, 7, 0);

    private static PromptTask task(ByteBuffer image) {
        return PromptTask.newBuilder()
                .setSampleId("train-000042")
                .setDataset("synthetic")
                .setSplit("train")
                .setEpoch(3)
                .setImageUri("inline:train-000042.png")
                .setWidth(4)
                .setHeight(3)
                .setQuestion("Detect every person.")
                .setCreatedAtMs(Instant.ofEpochMilli(5))
                .setImage(image)
                .build();
    }

    private static final SampledCompletion EOS = new SampledCompletion(
            new int[] {5, 6, 2}, new float[] {-0.1f, -0.2f, -0.3f}, "ab", dev.dipr1.policy.FinishReason.EOS);
    private static final SampledCompletion CUT =
            new SampledCompletion(new int[] {7}, new float[] {-1.5f}, "c", dev.dipr1.policy.FinishReason.LENGTH);

    @Test
    void theGroupIdIsSampleAndEpoch() {
        assertEquals("train-000042/e3", RolloutGroups.groupId(task(null)));
    }

    @Test
    void aCompletionKeepsTokensAndLogProbsInOrder() {
        Completion c = RolloutGroups.completion(1, EOS);
        assertEquals(1, c.getIndex());
        assertEquals("ab", c.getText());
        assertEquals(List.of(5, 6, 2), c.getTokenIds());
        assertEquals(List.of(-0.1f, -0.2f, -0.3f), c.getBehaviourLogprobs());
        assertEquals(FinishReason.EOS, c.getFinishReason());
        assertEquals(FinishReason.LENGTH, RolloutGroups.completion(0, CUT).getFinishReason());
    }

    @Test
    void anEmptyCompletionStaysEmpty() {
        SampledCompletion none =
                new SampledCompletion(new int[0], new float[0], "", dev.dipr1.policy.FinishReason.LENGTH);
        Completion c = RolloutGroups.completion(0, none);
        assertTrue(c.getTokenIds().isEmpty());
        assertTrue(c.getBehaviourLogprobs().isEmpty());
        assertEquals(0, RolloutGroups.tokens(List.of(none)));
    }

    @Test
    void tokensCountsEverySample() {
        assertEquals(4, RolloutGroups.tokens(List.of(EOS, CUT)));
        assertEquals(0, RolloutGroups.tokens(List.of()));
    }

    @Test
    void theGroupCarriesTaskSettingsAndSamplesIndexedInOrder() {
        ByteBuffer png = ByteBuffer.wrap(new byte[] {9, 8, 7});
        BufferedImage image = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);
        RolloutGroups.Sampled sampled =
                new RolloutGroups.Sampled(12, -99L, new int[] {1, 3}, List.of(EOS, CUT), 250_999_999L);

        RolloutGroup g = RolloutGroups.of(task(png), image, sampled, SETTINGS, 1_000);

        assertEquals("train-000042/e3", g.getGroupId());
        assertEquals("train-000042", g.getSampleId());
        assertEquals("train", g.getSplit());
        assertEquals(3, g.getEpoch());
        assertEquals(12, g.getPolicyVersion());
        assertEquals("gen-t", g.getGeneratorId());
        assertEquals(0.5, g.getTemperature());
        assertEquals((double) 0.9f, g.getTopP());
        assertEquals(-99L, g.getSeed());
        assertEquals("inline:train-000042.png", g.getImageUri());
        assertSame(png, g.getImage(), "the task's own PNG travels on");
        assertEquals(4, g.getWidth());
        assertEquals(3, g.getHeight());
        assertEquals(List.of(1, 3), g.getPromptTokenIds());
        assertEquals(
                List.of(0, 1),
                g.getCompletions().stream().map(Completion::getIndex).toList());
        assertEquals(
                List.of("ab", "c"),
                g.getCompletions().stream().map(Completion::getText).toList());
        assertEquals(Instant.ofEpochMilli(1_000), g.getCreatedAtMs());
        assertEquals(250, g.getGenerationMs(), "nanoseconds to milliseconds");
    }

    @Test
    void aTaskWithoutAnInlineImageGetsTheDecodedImageEncoded() {
        BufferedImage image = new BufferedImage(5, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0x00FF8040);
        RolloutGroups.Sampled sampled = new RolloutGroups.Sampled(0, 1, new int[0], List.of(CUT), 0);

        RolloutGroup g = RolloutGroups.of(task(null), image, sampled, SETTINGS, 0);

        assertArrayEquals(PngImages.encode(image), bytes(g.getImage()));
        assertEquals(5, g.getWidth(), "the size is the image's");
        assertEquals(2, g.getHeight());
        assertTrue(g.getPromptTokenIds().isEmpty());
    }

    @Test
    void aGroupCarriesWhereItsPromptWasReadAndNothingElseChanges() {
        BufferedImage image = new BufferedImage(5, 2, BufferedImage.TYPE_INT_RGB);
        RolloutGroups.Sampled sampled = new RolloutGroups.Sampled(0, 1, new int[0], List.of(CUT), 0);
        RolloutGroup g = RolloutGroups.of(task(null), image, sampled, SETTINGS, 0);
        assertEquals(-1L, g.getPromptOffset(), "unknown until marked");

        RolloutGroup marked = RolloutGroups.fromPrompt(g, 3, 12_345L);

        assertEquals(3, marked.getPromptPartition());
        assertEquals(12_345L, marked.getPromptOffset());
        assertEquals(
                RolloutGroup.newBuilder(marked)
                        .setPromptPartition(-1)
                        .setPromptOffset(-1L)
                        .build(),
                g);
    }

    @Test
    void aResizedImageTravelsInsteadOfTheTasksOwnPng() {
        ByteBuffer png = ByteBuffer.wrap(new byte[] {9, 8, 7});
        BufferedImage resized = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        resized.setRGB(10, 20, 0x00123456);
        RolloutGroups.Sampled sampled = new RolloutGroups.Sampled(0, 1, new int[0], List.of(CUT), 0);

        RolloutGroup g = RolloutGroups.of(task(png), resized, true, sampled, SETTINGS, 0);

        assertArrayEquals(PngImages.encode(resized), bytes(g.getImage()), "the pixels the policy saw");
        assertEquals(64, g.getWidth(), "the frame of the completions' boxes");
        assertEquals(64, g.getHeight());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
