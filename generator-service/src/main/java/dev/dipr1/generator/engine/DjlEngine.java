package dev.dipr1.generator.engine;

import dev.dipr1.generator.CurrentPolicy;
import dev.dipr1.generator.GroupSampler;
import dev.dipr1.generator.RolloutGroups;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-process DJL policy: the P prompts of a batch decoded together by {@link GroupSampler}
 * with the {@link CurrentPolicy}, which a newer update replaces between batches. Never fails a
 * group: an exception of the model ends the generator, as it always has.
 */
public final class DjlEngine implements GenerationEngine {

    private final CurrentPolicy policy;
    private final GroupSampler sampler;

    /** Samples with {@code policy} (owned and closed by this engine) as {@code sampler} says. */
    public DjlEngine(CurrentPolicy policy, GroupSampler sampler) {
        this.policy = policy;
        this.sampler = sampler;
    }

    @Override
    public long version() {
        return policy.version();
    }

    @Override
    public int imageSide() {
        return policy.get().config().imageSize();
    }

    @Override
    public List<GroupOutcome> generate(List<PromptTask> tasks, List<BufferedImage> images) {
        List<RolloutGroups.Sampled> sampled = sampler.sample(policy.get(), tasks, images);
        List<GroupOutcome> out = new ArrayList<>(sampled.size());
        for (RolloutGroups.Sampled s : sampled) {
            out.add(new GroupOutcome.Generated(s));
        }
        return out;
    }

    @Override
    public CurrentPolicy.Offer offer(PolicyUpdate update, String hmac) {
        return policy.apply(update);
    }

    @Override
    public String describe() {
        return "the in-process policy";
    }

    @Override
    public void close() {
        policy.close();
    }
}
