package dev.dipr1.generator.engine;

import dev.dipr1.generator.CurrentPolicy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * What samples a generator's groups: the in-process policy ({@link DjlEngine}) or an inference server
 * ({@link OpenAiEngine}). The generator calls it from one thread, alternating between {@link #generate}
 * (a batch of prompts, all with one policy version) and {@link #offer} (a newer verified policy
 * update): a version change therefore never falls inside a batch.
 */
public interface GenerationEngine extends AutoCloseable {

    /** The policy version the next batch is sampled with (and its groups are stamped with). */
    long version();

    /** What {@link #imageSide()} answers when the engine takes each image at its own resolution. */
    int OWN_RESOLUTION = 0;

    /**
     * The side of the square image the policy reads; prompt images are resized to it first. {@link
     * #OWN_RESOLUTION} when the model takes images as they are (a real MLLM behind {@code --tokenizer
     * server}): they are then only bounded in pixels, like every prompt image.
     */
    int imageSide();

    /**
     * The group of each task, in order: G completions each, with the per-group sampler seed of {@link
     * dev.dipr1.generator.GroupSampler#seed}, or a failure with its reason.
     *
     * @param images each task's image, already {@link #imageSide()} square (or as decoded)
     */
    List<GroupOutcome> generate(List<PromptTask> tasks, List<BufferedImage> images);

    /**
     * Offers the newest verified policy update: applied (later batches use it), unchanged (not newer,
     * or not yet possible, offered again later), or refused with a reason to dead-letter once.
     *
     * @param hmac the learner's MAC of the update (its {@code PolicyKey.HEADER} header), null when
     *     unsigned; handed on to a server that checks it
     */
    CurrentPolicy.Offer offer(PolicyUpdate update, String hmac);

    /** One line for the log: what samples and where. */
    String describe();

    /** Asks a {@link #generate} in progress to give up soon (it then throws {@link EngineStoppedException}). */
    default void stop() {}

    @Override
    void close();
}
