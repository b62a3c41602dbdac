package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of a run: the SFT settings it derives and the progress line. */
class DemoRunTest {

    static DemoRun run(DemoSettings size, long seed) {
        DemoPlan plan = new DemoPlan(
                size,
                SamplingSettings.defaults(),
                seed,
                Path.of("out"),
                Path.of("cache"),
                TopicCatalog.withPrefix("t."),
                RlLoopTest.learner(8, 1, 4),
                RewardConfig.defaults(),
                true,
                null,
                false);
        return new DemoRun(
                plan,
                dir -> {
                    throw new AssertionError("no Kafka in this test");
                },
                new ChildJvm("unused"));
    }

    @Test
    void theWarmStartIsTheCalibratedRunResizedWithAFifthAsWarmUpAtMost() {
        SftSettings d = SftSettings.defaults();
        SftSettings quick = run(DemoSettings.quick(), 3).warmStart();
        assertEquals(new SftSettings(400, d.batchSize(), d.lr(), 80, 3, 1.3), quick, "400 steps: 80 warm-up (a fifth)");
        SftSettings standard = run(DemoSettings.standard(), 1).warmStart();
        assertEquals(
                new SftSettings(2200, d.batchSize(), d.lr(), d.warmupSteps(), 1, 8.0),
                standard,
                "2200 steps: the calibrated warm-up");
    }

    @Test
    void equalComputeSftRunsAsLongAsRlAtOneStepPerThreeTenthsOfASecond() {
        SftSettings s = run(DemoSettings.quick(), 2).equalComputeSft(240.0);
        assertEquals(800, s.steps());
        assertEquals(4.0, s.maxMinutes(), 1e-12);
        assertEquals(2 + 7919, s.seed(), "fresh data, not the warm start's");
        assertEquals(2e-4f, s.lr());
        assertEquals(20, s.warmupSteps());
        assertEquals(SftSettings.defaults().batchSize(), s.batchSize());
    }

    @Test
    void anRlPhaseShorterThanItsWarmUpHasNoEqualComputeBaseline() {
        assertEquals(22, run(DemoSettings.quick(), 1).equalComputeSft(6.6).steps());
        // The floor of 20 steps equals the 20 warm-up steps, which SftSettings rejects: as before this
        // refactor (then in the child JVM), an RL phase under ~6.3 s cannot get the baseline.
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> run(DemoSettings.quick(), 1).equalComputeSft(1.0));
        assertTrue(e.getMessage().contains("warmup"), e.getMessage());
    }

    @Test
    void theStatusLineShowsTheLastStepOnceThereIsOne() {
        assertEquals(" 12 groups generated", DemoRun.statusLine(new RlLoop.Status(3.0, List.of(), 12)));
        String line = DemoRun.statusLine(
                new RlLoop.Status(9.0, List.of(LearnerStatusDirTest.step(0), LearnerStatusDirTest.step(4)), 40));
        assertTrue(line.startsWith(" step 4 v4 reward 1") && line.endsWith(" | 40 groups"), line);
    }

    @Test
    void aMissingSftCheckpointIsRejectedBeforeTheRun() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new DemoPlan(
                        DemoSettings.quick(),
                        SamplingSettings.defaults(),
                        1,
                        Path.of("out"),
                        Path.of("cache"),
                        TopicCatalog.withPrefix("t."),
                        RlLoopTest.learner(8, 1, 4),
                        RewardConfig.defaults(),
                        true,
                        Path.of("no/such/sft.ckpt"),
                        false));
        assertEquals("--sft-checkpoint no/such/sft.ckpt is not a file", e.getMessage());
    }
}
