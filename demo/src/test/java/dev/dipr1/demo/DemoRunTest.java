package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The pure parts of a run: the SFT settings it derives and the progress line. */
class DemoRunTest {

    static DemoRun run(DemoSettings size, long seed) {
        return run(plan(size, seed, null, SftSettings.DEFAULT_EMA_DECAY));
    }

    static DemoRun run(DemoPlan plan) {
        return new DemoRun(
                plan,
                dir -> {
                    throw new AssertionError("no Kafka in this test");
                },
                new ChildJvm("unused"));
    }

    static DemoPlan plan(DemoSettings size, long seed, Path givenSft, float sftEmaDecay) {
        return plan(size, seed, givenSft, sftEmaDecay, SftSettings.DEFAULT_SHIFT_PIXELS);
    }

    static DemoPlan plan(DemoSettings size, long seed, Path givenSft, float sftEmaDecay, int sftShift) {
        return plan(size, seed, givenSft, sftEmaDecay, sftShift, SftSettings.DEFAULT_LR);
    }

    static DemoPlan plan(DemoSettings size, long seed, Path givenSft, float sftEmaDecay, int sftShift, float sftLr) {
        return new DemoPlan(
                size,
                SamplingSettings.defaults(),
                seed,
                Path.of("out"),
                Path.of("cache"),
                TopicCatalog.withPrefix("t."),
                RlLoopTest.learner(8, 1, 4),
                RewardConfig.defaults(),
                true,
                givenSft,
                false,
                EngineSettings.Kind.DJL,
                sftEmaDecay,
                sftShift,
                sftLr);
    }

    @Test
    void theWarmStartIsTheCalibratedRunOnTheRunsTrainingSetResized() {
        SftSettings d = SftSettings.defaults();
        SftSettings quick = run(DemoSettings.quick(), 3).warmStart();
        assertEquals(
                new SftSettings(
                        400, d.batchSize(), d.lr(), 80, 3, d.maxMinutes(), 600, 40, 200, d.emaDecay(), d.shiftPixels()),
                quick,
                "400 steps: 80 warm-up (a fifth), ten validations on at most the evaluation size");
        SftSettings standard = run(DemoSettings.standard(), 1).warmStart();
        assertEquals(
                new SftSettings(
                        2400,
                        d.batchSize(),
                        d.lr(),
                        d.warmupSteps(),
                        1,
                        d.maxMinutes(),
                        3000,
                        200,
                        500,
                        d.emaDecay(),
                        d.shiftPixels()),
                standard,
                "the calibrated warm-up and validation");
    }

    @Test
    void equalComputeSftTakesThreeStepsPer64RlSamplesOnTheSameTrainingSet() {
        SftSettings s = run(DemoSettings.quick().withRl(60, 5), 2).equalComputeSft();
        assertEquals(180, s.steps(), "60 RL steps of B = 8 x G = 8");
        assertEquals(2, s.seed(), "the run's seed: the same training scenes");
        assertEquals(600, s.trainScenes());
        assertEquals(0, s.validateEvery(), "keeps its last weights, as RL does");
        assertEquals(2e-4f, s.lr(), 1e-10f, "the rate every SFT-continued result ran at");
        assertEquals(1e-3f / 5, s.lr(), "bit for bit");
        assertEquals(20, s.warmupSteps());
        assertEquals(SftSettings.defaults().batchSize(), s.batchSize());
        assertEquals(
                0, run(DemoSettings.quick().withRl(1, 5), 2).equalComputeSft().warmupSteps(), "3 steps: no warm-up");
    }

    @Test
    void theSftLearningRateMovesTheWarmStartAloneAndGetsItsOwnCacheKey() {
        DemoPlan calibrated = plan(DemoSettings.standard(), 10, null, 0f, 4, 1e-3f);
        assertEquals(1e-3f, run(calibrated).warmStart().lr());
        assertEquals(
                SftSettings.DEFAULT_LR,
                run(DemoSettings.standard(), 10).warmStart().lr(),
                "SFT's own default");
        assertEquals(
                run(DemoSettings.standard(), 10).equalComputeSft(),
                run(calibrated).equalComputeSft(),
                "SFT continued, the baseline, is the same whatever the warm start's rate");
        assertNotEquals(
                DemoRun.sftCacheKey(run(DemoSettings.standard(), 10).warmStart(), 2),
                DemoRun.sftCacheKey(run(calibrated).warmStart(), 2),
                "another rate trains other weights");
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> plan(DemoSettings.standard(), 10, null, 0f, 4, 0f));
        assertTrue(bad.getMessage().contains("--sft-lr 0.0 must be in (0, 1.0]"), bad.getMessage());
    }

    @Test
    void theSftCacheKeyNamesTheSettingsAndTheThreadCount() {
        SftSettings s = run(DemoSettings.standard(), 1).warmStart();
        String key = DemoRun.sftCacheKey(s, 2);

        assertEquals(16, key.length());
        assertEquals(key, DemoRun.sftCacheKey(run(DemoSettings.standard(), 1).warmStart(), 2), "same inputs, same key");
        assertNotEquals(key, DemoRun.sftCacheKey(s, 1), "one thread sums in another order: another checkpoint");
        assertNotEquals(key, DemoRun.sftCacheKey(run(DemoSettings.standard(), 2).warmStart(), 2), "another seed");
    }

    @Test
    void checkpointsCachedBeforeTheAverageAndTheShiftKeepTheirKeyAndEachOptionGetsItsOwn() {
        // the key of seed 10's demo SFT in runs/cache before SftSettings had an average or a shift (2026-12-04, two
        // replicas)
        assertEquals(
                "a260f2051c7b2ad6",
                DemoRun.sftCacheKey(
                        run(plan(DemoSettings.standard(), 10, null, 0f, 0, 1e-3f))
                                .warmStart(),
                        2));
        SftSettings averaged =
                run(plan(DemoSettings.standard(), 10, null, 0.995f, 0, 1e-3f)).warmStart();
        assertNotEquals("a260f2051c7b2ad6", DemoRun.sftCacheKey(averaged, 2), "an average keeps other weights");
        SftSettings shifted =
                run(plan(DemoSettings.standard(), 10, null, 0f, 4, 1e-3f)).warmStart();
        String shiftedKey = DemoRun.sftCacheKey(shifted, 2);
        assertNotEquals("a260f2051c7b2ad6", shiftedKey, "a shift trains other weights");
        assertNotEquals(
                shiftedKey,
                DemoRun.sftCacheKey(
                        run(plan(DemoSettings.standard(), 10, null, 0f, 2, 1e-3f))
                                .warmStart(),
                        2));
        assertNotEquals(
                DemoRun.sftCacheKey(averaged, 2),
                DemoRun.sftCacheKey(
                        run(plan(DemoSettings.standard(), 10, null, 0.995f, 4, 1e-3f))
                                .warmStart(),
                        2),
                "both: a third key");
    }

    @Test
    void checkpointsCachedBeforeDataParallelSftKeepTheirKeyOnlyForOneThread() {
        SftSettings s =
                run(plan(DemoSettings.standard(), 1, null, 0f, 0, 1e-3f)).warmStart();
        String before = s.toString().replace(", emaDecay=0.0, shiftPixels=0]", "]");
        IntFunction<String> keyBeforeReplicas = threads -> PolicyUpdates.sha256(
                        (before + "|" + PolicyConfig.defaults() + "|" + Policy.FORMAT_VERSION + "|threads=" + threads)
                                .getBytes(StandardCharsets.UTF_8))
                .substring(0, 16);

        assertEquals(keyBeforeReplicas.apply(1), DemoRun.sftCacheKey(s, 1), "one thread trains one model, as before");
        assertNotEquals(
                keyBeforeReplicas.apply(2), DemoRun.sftCacheKey(s, 2), "two replicas train other weights than before");
    }

    @Test
    void theStatusLineShowsTheLastStepOnceThereIsOne() {
        assertEquals(" 12 groups generated", DemoRun.statusLine(new RlLoop.Status(3.0, List.of(), 12)));
        String line = DemoRun.statusLine(
                new RlLoop.Status(9.0, List.of(LearnerStatusDirTest.step(0), LearnerStatusDirTest.step(4)), 40));
        assertTrue(line.startsWith(" step 4 v4 reward 1") && line.endsWith(" | 40 groups"), line);
    }

    @Test
    void bothSftRunsKeepThePlansAverageAndShift() {
        DemoRun run = run(plan(DemoSettings.quick(), 1, null, 0.99f, 3));
        assertEquals(0.99f, run.warmStart().emaDecay());
        assertEquals(0.99f, run.equalComputeSft().emaDecay());
        assertEquals(3, run.warmStart().shiftPixels());
        assertEquals(3, run.equalComputeSft().shiftPixels());
    }

    @Test
    void aMissingSftCheckpointIsRejectedBeforeTheRun() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> plan(DemoSettings.quick(), 1, Path.of("no/such/sft.ckpt"), SftSettings.DEFAULT_EMA_DECAY));
        assertEquals("--sft-checkpoint no/such/sft.ckpt is not a file", e.getMessage());
    }
}
