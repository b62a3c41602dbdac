package dev.dipr1.rewardstream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dipr1.rewards.GroupInput;
import dev.dipr1.schemas.Box;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.RolloutGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frame a group is scored in: the image the policy saw. */
class RolloutScorerTest {

    private static final List<String> TEXTS = List.of(
            "<think>1 people</think><look></look><answer>[[10,10,30,50]]</answer>",
            "<think>1 people</think><look></look><answer>[]</answer>");

    @Test
    void groundTruthOfAResizedImageIsScaledIntoTheRolloutsFrame() {
        // Given an annotation on a 128×96 original and a rollout of the generator's 64×64 resize
        GroundTruth truth = sized(RewardTopologyTest.truth("s", new Box(20.0, 24.0, 60.0, 90.0)), 128, 96);
        RolloutGroup rollout = RewardTopologyTest.group("g", "s", TEXTS);

        // When the group input is built
        GroupInput in = RolloutScorer.input(rollout, truth, TEXTS);

        // Then the box is in the 64×64 pixels the policy saw: x halved, y scaled by 64/96
        assertEquals(64.0, in.width());
        assertEquals(64.0, in.height());
        assertEquals(new dev.dipr1.rewards.Box(10.0, 16.0, 30.0, 60.0), in.gt().get(0));
    }

    @Test
    void aRolloutOfTheAnnotatedSizeIsScoredAgainstTheAnnotationAsItIs() {
        GroundTruth truth = RewardTopologyTest.truth("s", new Box(10.0, 10.0, 30.0, 50.0));
        RolloutGroup rollout = RewardTopologyTest.group("g", "s", TEXTS);

        GroupInput in = RolloutScorer.input(rollout, truth, TEXTS);

        assertEquals(64.0, in.width());
        assertEquals(new dev.dipr1.rewards.Box(10.0, 10.0, 30.0, 50.0), in.gt().get(0));
    }

    @Test
    void theAccuracyRewardOfAResizedPromptCountsTheBoxTheModelDrew() {
        // the model saw 64×64 and drew the person at [10,10,30,50]; it was annotated at twice that size
        GroundTruth truth = sized(RewardTopologyTest.truth("s", new Box(20.0, 20.0, 60.0, 100.0)), 128, 128);
        RolloutGroup rollout = RewardTopologyTest.group("g", "s", TEXTS);

        var scored = RolloutScorer.dipr1(dev.dipr1.rewards.RewardConfig.defaults())
                .score(rollout, truth, new RolloutScorer.Source("t", 0, 0, 0));

        assertEquals(1.0, scored.getScores().get(0).getAccuracy(), 1e-12);
        assertEquals(0.0, scored.getScores().get(1).getAccuracy(), 1e-12);
    }

    private static GroundTruth sized(GroundTruth t, int w, int h) {
        return GroundTruth.newBuilder(t).setWidth(w).setHeight(h).build();
    }
}
