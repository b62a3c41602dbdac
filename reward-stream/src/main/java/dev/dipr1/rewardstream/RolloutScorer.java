package dev.dipr1.rewardstream;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.GroupInput;
import dev.dipr1.rewards.GroupScore;
import dev.dipr1.rewards.GroupScorer;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a rollout group and its ground truth into a ScoredGroup: the pure scoring library
 * applied to the wire records. Also the pass-through variant (same records, no scoring) that
 * the benchmark compares against.
 */
public interface RolloutScorer {

    ScoredGroup score(RolloutGroup rollout, GroundTruth truth, Source source);

    /** Where the rollout record was read from, and its timestamp. */
    record Source(String topic, int partition, long offset, long timestampMs) {}

    /** The DIP-R1 rewards of rewards.md. */
    static RolloutScorer dipr1(RewardConfig config) {
        String hash = config.stableHash();
        String json = config.toJson();
        return (rollout, truth, source) -> {
            List<String> texts =
                    rollout.getCompletions().stream().map(Completion::getText).toList();
            GroupInput in = input(rollout, truth, texts);
            GroupScore s = GroupScorer.score(in, config);
            List<CompletionScore> scores = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                dev.dipr1.rewards.CompletionScore c = s.completions().get(i);
                scores.add(new CompletionScore(
                        rollout.getCompletions().get(i).getIndex(),
                        c.format(),
                        c.look(),
                        c.accuracy(),
                        c.total(),
                        c.advantage(),
                        c.tooLong(),
                        c.invalidBoxes()));
            }
            return envelope(rollout, source, hash, json, scores, s.mean(), s.std(), s.zeroVariance());
        };
    }

    /** Same records in and out, no rewards computed: the baseline of the topology benchmark. */
    static RolloutScorer passThrough() {
        return (rollout, truth, source) -> {
            List<CompletionScore> scores = new ArrayList<>();
            for (Completion c : rollout.getCompletions()) {
                scores.add(new CompletionScore(c.getIndex(), 0.0, 0.0, 0.0, 0.0, 0.0, false, 0));
            }
            return envelope(rollout, source, "pass-through", "{}", scores, 0.0, 0.0, true);
        };
    }

    private static ScoredGroup envelope(
            RolloutGroup rollout,
            Source source,
            String hash,
            String json,
            List<CompletionScore> scores,
            double mean,
            double std,
            boolean zeroVariance) {
        return ScoredGroup.newBuilder()
                .setGroupId(rollout.getGroupId())
                .setRewardVersion(RewardConfig.REWARD_VERSION)
                .setRewardConfigHash(hash)
                .setRewardConfigJson(json)
                .setScores(scores)
                .setRewardMean(mean)
                .setRewardStd(std)
                .setZeroVariance(zeroVariance)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                // The record's own timestamp, not the clock: a replay reproduces the same bytes.
                .setScoredAtMs(Instant.ofEpochMilli(source.timestampMs()))
                .setRollout(rollout)
                .build();
    }

    /**
     * The group to score, in the frame of the image the policy saw. A generator resizes a prompt image of another
     * size to the policy's input, so its boxes are in the rollout's width × height; the ground truth (annotated on
     * the original image) is scaled into that frame. Same size: the annotation as it is.
     */
    static GroupInput input(RolloutGroup rollout, GroundTruth truth, List<String> texts) {
        int w = truth.getWidth();
        int h = truth.getHeight();
        double sx = 1;
        double sy = 1;
        if (rollout.getWidth() > 0
                && rollout.getHeight() > 0
                && (rollout.getWidth() != w || rollout.getHeight() != h)) {
            sx = rollout.getWidth() / (double) w;
            sy = rollout.getHeight() / (double) h;
            w = rollout.getWidth();
            h = rollout.getHeight();
        }
        return new GroupInput(
                rollout.getGroupId(),
                w,
                h,
                boxes(truth.getBoxes(), sx, sy),
                boxes(truth.getIgnoreRegions(), sx, sy),
                texts);
    }

    private static List<Box> boxes(List<dev.dipr1.schemas.Box> in, double sx, double sy) {
        List<Box> out = new ArrayList<>(in.size());
        for (dev.dipr1.schemas.Box b : in) {
            out.add(new Box(b.getX1() * sx, b.getY1() * sy, b.getX2() * sx, b.getY2() * sy));
        }
        return out;
    }
}
