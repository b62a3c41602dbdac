package dev.dipr1.generator;

import dev.dipr1.common.Seeds;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SamplingSettings;
import dev.dipr1.scenes.Scene;
import dev.dipr1.schemas.PromptTask;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the G completions of one prompt, or of several in one batch. The sampler seed is a function of the base seed, the
 * group id and the policy version, so a redone prompt (after a crash) gets the same samples.
 */
public final class GroupSampler {

    private final GeneratorSettings settings;
    private final Sampler sampler = new Sampler();

    public GroupSampler(GeneratorSettings settings) {
        this.settings = settings;
    }

    /** The sampler seed of a prompt's group under a policy version. */
    public long seed(PromptTask task, long policyVersion) {
        return Seeds.derive(settings.seed(), RolloutGroups.groupId(task).hashCode(), policyVersion);
    }

    /**
     * G completions of each task by {@code policy} in one decoding batch of P·G rows, each group
     * with its own seed (so with the samples {@link #sample} would make for it alone, see {@link
     * Sampler#sampleGroups}); each group's time is the batch's divided by the number of tasks.
     */
    public List<RolloutGroups.Sampled> sample(Policy policy, List<PromptTask> tasks, List<BufferedImage> images) {
        long t0 = System.nanoTime();
        List<SamplingSettings> settingsPerTask = new ArrayList<>(tasks.size());
        List<float[]> pixels = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            long seed = seed(tasks.get(i), policy.version());
            settingsPerTask.add(
                    new SamplingSettings(settings.temperature(), settings.topP(), settings.maxTokens(), seed));
            pixels.add(Scene.pixelsChw(images.get(i)));
        }
        List<List<SampledCompletion>> groups =
                sampler.sampleGroups(policy, pixels, settings.groupSize(), settingsPerTask);
        long perGroupNs = (System.nanoTime() - t0) / tasks.size();
        List<RolloutGroups.Sampled> out = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            out.add(new RolloutGroups.Sampled(
                    policy.version(),
                    settingsPerTask.get(i).seed(),
                    policy.tokenizer().promptIds(),
                    groups.get(i),
                    perGroupNs));
        }
        return out;
    }

    /** G completions of {@code task} by {@code policy}; with the wall time it took. */
    RolloutGroups.Sampled sample(Policy policy, PromptTask task, BufferedImage image) {
        long t0 = System.nanoTime();
        long seed = seed(task, policy.version());
        SamplingSettings s = new SamplingSettings(settings.temperature(), settings.topP(), settings.maxTokens(), seed);
        List<SampledCompletion> samples = sampler.sample(policy, Scene.pixelsChw(image), settings.groupSize(), s);
        long elapsedNs = System.nanoTime() - t0;
        return new RolloutGroups.Sampled(
                policy.version(), seed, policy.tokenizer().promptIds(), samples, elapsedNs);
    }
}
