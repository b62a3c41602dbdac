package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import java.nio.file.Path;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RlLoopTest {

    static LearnerSettings learner(int batchGroups, int publishEvery, int maxStaleness) {
        return new LearnerSettings(
                batchGroups,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                maxStaleness,
                true,
                publishEvery,
                10,
                null,
                Path.of("policies"),
                1 << 20,
                0,
                true);
    }

    @Test
    void synchronousLearningLetsGenerationRunOneBatchPerVersionAhead() {
        assertEquals(8, RlLoop.groupsPerVersion(learner(8, 1, 0)));
        assertEquals(8, RlLoop.groupsPerVersion(learner(8, 1, 1)));
        assertEquals(24, RlLoop.groupsPerVersion(learner(8, 3, 0)), "B·K groups per published version");
    }

    @Test
    void asynchronousLearningLetsItRunTwoBatchesAhead() {
        assertEquals(16, RlLoop.groupsPerVersion(learner(8, 1, 2)));
        assertEquals(16, RlLoop.groupsPerVersion(learner(8, 1, 4)));
        assertEquals(12, RlLoop.groupsPerVersion(learner(2, 3, 4)));
    }

    @ParameterizedTest
    @EnumSource(
            value = KafkaStreams.State.class,
            names = {"CREATED", "REBALANCING", "RUNNING"})
    void aStartingOrRunningRewardStreamIsFine(KafkaStreams.State state) {
        assertNull(RlLoop.failed(state));
    }

    @ParameterizedTest
    @EnumSource(
            value = KafkaStreams.State.class,
            names = {"PENDING_ERROR", "ERROR", "PENDING_SHUTDOWN", "NOT_RUNNING"})
    void aRewardStreamThatStoppedDuringTheLoopIsAFailure(KafkaStreams.State state) {
        String why = RlLoop.failed(state);
        assertTrue(why != null && why.contains(state.name()), why);
    }

    @Test
    void generatorIReceivesItsOwnIdAndSeed() {
        RlLoop.Config c = new RlLoop.Config(
                null,
                dev.dipr1.topics.TopicCatalog.withPrefix("p."),
                null,
                learner(8, 1, 4),
                2,
                6,
                0.9f,
                40,
                16,
                0,
                3,
                java.util.List.of(),
                null,
                null);
        var g = c.generator(1);
        assertEquals("p.gen-1", g.generatorId());
        assertEquals(41, g.seed());
        assertEquals(6, g.groupSize());
        assertEquals(0.9f, g.temperature());
        assertEquals(16, g.maxGroupsPerVersion());
        assertEquals(1f, g.topP());
        assertEquals(91, g.maxTokens());
        assertEquals(0, g.leadVersions());
        assertEquals(3, g.promptsPerBatch());
    }

    @Test
    void withALeadTheGeneratorsShareEachVersionAndDropThePerVersionBound() {
        RlLoop.Config c = new RlLoop.Config(
                null,
                dev.dipr1.topics.TopicCatalog.withPrefix("p."),
                null,
                learner(8, 2, 4),
                3,
                6,
                0.9f,
                40,
                32,
                2,
                4,
                java.util.List.of(),
                null,
                null);
        var g = c.generator(2);
        assertEquals(2, g.leadVersions());
        assertEquals(6, g.versionShare(), "16 groups per version over 3 generators, rounded up");
        assertEquals(0, g.maxGroupsPerVersion());
        assertEquals(4, g.promptsPerBatch());
    }

    @Test
    void theLeadStaysWithinTheLearnersMaxStaleness() {
        for (int[] staleThenLead : new int[][] {{4, 2}, {1, 1}, {0, 0}}) {
            RlLoop.Config c = new RlLoop.Config(
                    null,
                    dev.dipr1.topics.TopicCatalog.withPrefix("p."),
                    null,
                    learner(8, 1, staleThenLead[0]),
                    1,
                    6,
                    0.9f,
                    40,
                    8,
                    2,
                    1,
                    java.util.List.of(),
                    null,
                    null);
            var g = c.generator(0);
            assertEquals(staleThenLead[1], g.leadVersions(), "max staleness " + staleThenLead[0]);
            assertEquals(staleThenLead[1] == 0 ? 8 : 0, g.maxGroupsPerVersion(), "synchronous: B·K per version");
        }
    }
}
