package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.ProcessRlLoop;
import dev.dipr1.demo.RlLoop;
import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --processes} on a real broker, with the real {@code dipr1} services as child JVMs:
 * the learner's drop counters come back to the demo (they used to be reported as 0 whatever happened).
 */
class ProcessRlLoopIT {

    @Test
    void givenAnUntrainedPolicyWhenTheLoopRunsInChildJvmsThenTheLearnersDropsAreReported(@TempDir Path dir)
            throws Exception {
        // Given: an untrained policy earns equal rewards, so the learner drops every group as zero-variance.
        ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());
        TopicCatalog catalog = TopicCatalog.withPrefix("process-loop-it.");
        Path sft = TinyCheckpoint.write(dir.resolve("tiny.ckpt"), 4);
        LearnerSettings ls = new LearnerSettings(
                2,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                4,
                true,
                1,
                1,
                dir.resolve("learner.ckpt"),
                dir.resolve("policies"),
                1 << 24,
                0,
                true);
        RlLoop.Config config = new RlLoop.Config(
                kafka,
                catalog,
                sft,
                ls,
                1,
                4,
                1f,
                1,
                0,
                0,
                2,
                SyntheticScenes.generate(Split.TRAIN, 3, 0, 400),
                dir,
                RewardConfig.defaults());

        // When
        RlLoop.Result r =
                ProcessRlLoop.run(config, new ChildJvm(Dipr1.class.getName()), Duration.ofSeconds(75), 0, null);
        r.policy().close();

        // Then
        assertTrue(r.groupsGenerated() > 0, "the generator JVM produced groups");
        assertEquals(0, r.history().size(), "no step: every group had zero variance");
        assertTrue(r.counters().droppedZeroVariance() > 0, "the learner JVM's drops reached the demo: " + r.counters());
        assertTrue(
                r.counters().droppedZeroVariance() <= r.groupsGenerated(), r.counters() + " of " + r.groupsGenerated());
        assertEquals(0, r.counters().droppedStale());
        assertEquals(0, r.counters().droppedDuplicate());
    }
}
