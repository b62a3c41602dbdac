package dev.dipr1.generator.engine;

import java.util.Locale;

/**
 * The text part of a chat request: the task's question (e.g. "Detect every person.") with the
 * DIP-R1 instructions a real multimodal model needs to answer in the form the reward stream parses
 * (spec/rewards.md §1): reasoning in {@code <think>}, the regions to inspect in {@code <look>}, the
 * detections in {@code <answer>}, boxes as pixel {@code [x1, y1, x2, y2]} in the frame of the image
 * sent, the answer in Qwen2.5-VL's {@code bbox_2d} grounding style (which the parser reads). Our
 * tiny policy was trained on a fixed prompt and ignores this text ({@code dipr1 serve} only checks
 * that it is there).
 */
public final class QuestionTemplate {

    private QuestionTemplate() {}

    /** The instruction for {@code question} about an image of {@code width × height} pixels. */
    public static String text(String question, int width, int height) {
        return String.format(
                Locale.ROOT,
                "%s The image is %d x %d pixels; x grows to the right, y downwards. First reason about where the "
                        + "people are inside <think></think>. Then list the regions you want to look at more closely "
                        + "inside <look></look>, as a JSON array of [x1, y1, x2, y2] pixel boxes. Finally give every "
                        + "person you detect inside <answer></answer>, as a JSON array of objects "
                        + "[{\"bbox_2d\": [x1, y1, x2, y2]}, ...] ([] when there is none). Write nothing outside the "
                        + "three blocks.",
                question == null || question.isBlank() ? "Detect every person." : question.strip(),
                width,
                height);
    }
}
