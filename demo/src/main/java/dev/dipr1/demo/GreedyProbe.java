package dev.dipr1.demo;

import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.Sampler;
import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.GroupInput;
import dev.dipr1.rewards.GroupScorer;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sampled-versus-greedy gap during RL: every {@code every} learner steps (and at step 1), the
 * learner's current weights decode a fixed probe of training prompts greedily, and their mean
 * accuracy reward (the run's reward settings, as the reward stream scores it) is set beside the
 * mean accuracy reward of the sampled completions trained on since the previous probe (one step's
 * batch of 8 groups alone is too noisy to read). A gap that closes while both rise
 * means RL improves what greedy decoding answers, not only the samples (issue 11).
 *
 * <p>Runs on the learner's thread between two steps ({@link dev.dipr1.learner.LearnerService#onStep}),
 * so it reads consistent weights; it costs one greedy pass over the probe every {@code every} steps.
 */
public final class GreedyProbe implements Consumer<StepStats> {

    /** One measurement: the greedy probe after {@code step}, the sampled batches since the last one. */
    public record Point(long step, double greedyAccuracy, double sampledAccuracy) {}

    private final Policy policy;
    private final List<Scene> probe;
    private final List<float[]> images;
    private final RewardConfig rewards;
    private final int every;
    private final List<Point> points = Collections.synchronizedList(new ArrayList<>());
    private double sampledSum;
    private int sampledSteps;

    /** @param policy the learner's live policy, read only on the learner's thread */
    public GreedyProbe(Policy policy, List<Scene> probe, RewardConfig rewards, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("probe every must be >= 1, was " + every);
        }
        this.policy = policy;
        this.probe = List.copyOf(probe);
        this.images = probe.stream().map(Scene::pixelsChw).toList();
        this.rewards = rewards;
        this.every = every;
    }

    @Override
    public void accept(StepStats s) {
        sampledSum += s.rewardAccuracy();
        sampledSteps++;
        if (s.step() == 1 || s.step() % every == 0) {
            points.add(new Point(s.step(), greedyAccuracy(policy), sampledSum / sampledSteps));
            sampledSum = 0;
            sampledSteps = 0;
        }
    }

    /** The mean accuracy reward of {@code p}'s greedy answers on the probe. */
    public double greedyAccuracy(Policy p) {
        List<String> texts = new Sampler().greedy(p, images);
        double sum = 0;
        for (int i = 0; i < probe.size(); i++) {
            sum += accuracy(probe.get(i), texts.get(i), rewards);
        }
        return probe.isEmpty() ? 0 : sum / probe.size();
    }

    /** The accuracy reward of one completion for {@code scene}, scored as the reward stream scores it. */
    static double accuracy(Scene scene, String completion, RewardConfig rewards) {
        GroupInput in = new GroupInput(
                scene.id(),
                scene.width(),
                scene.height(),
                boxes(scene.boxes()),
                boxes(scene.ignoreRegions()),
                List.of(completion));
        return GroupScorer.score(in, rewards).completions().get(0).accuracy();
    }

    private static List<Box> boxes(List<PixelBox> boxes) {
        return boxes.stream().map(b -> new Box(b.x1(), b.y1(), b.x2(), b.y2())).toList();
    }

    /** Every measurement so far, in step order. */
    public List<Point> points() {
        synchronized (points) {
            return List.copyOf(points);
        }
    }
}
