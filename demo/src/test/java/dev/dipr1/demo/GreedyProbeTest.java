package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.TargetTemplate;
import dev.dipr1.policy.Tokenizer;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.List;
import org.junit.jupiter.api.Test;

class GreedyProbeTest {

    @Test
    void theTargetAnswerEarnsFullAccuracyAndNoAnswerNone() {
        Scene scene = SyntheticScenes.generate(Split.TRAIN, 3, 0);
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            Tokenizer t = p.tokenizer();
            String target = TargetTemplate.of(scene).text(t);
            assertEquals(1.0, GreedyProbe.accuracy(scene, target, RewardConfig.defaults()), 1e-9);
        }
        assertEquals(0.0, GreedyProbe.accuracy(scene, "<think>1 people</think>", RewardConfig.defaults()));
    }

    @Test
    void itProbesAtTheFirstStepAndEveryNthAndKeepsTheBatchsReward() {
        List<Scene> probe = SyntheticScenes.generate(Split.TRAIN, 3, 0, 4);
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            GreedyProbe g = new GreedyProbe(p, probe, RewardConfig.defaults(), 3);
            for (int step = 1; step <= 7; step++) {
                g.accept(LearnerStatusDirTest.step(step));
            }
            List<GreedyProbe.Point> points = g.points();
            assertEquals(
                    List.of(1L, 3L, 6L),
                    points.stream().map(GreedyProbe.Point::step).toList());
            // the sampled reward is the mean over the steps since the previous probe: 4, 5 and 6
            double mean = (LearnerStatusDirTest.step(4).rewardAccuracy()
                            + LearnerStatusDirTest.step(5).rewardAccuracy()
                            + LearnerStatusDirTest.step(6).rewardAccuracy())
                    / 3;
            assertEquals(mean, points.get(2).sampledAccuracy(), 1e-12);
            assertEquals(
                    LearnerStatusDirTest.step(1).rewardAccuracy(), points.get(0).sampledAccuracy(), 1e-12);
            double greedy = points.get(0).greedyAccuracy();
            assertTrue(greedy >= 0 && greedy <= 1, "an accuracy reward: " + greedy);
            assertEquals(g.greedyAccuracy(p), greedy, 1e-12, "the same weights give the same greedy answers");
        }
    }
}
