package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.DemoPlan;
import dev.dipr1.demo.DemoSettings;
import dev.dipr1.demo.SamplingSettings;
import dev.dipr1.policy.SftSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

    static DemoCommand parse(String... args) {
        CommandLine cl = new CommandLine(new Dipr1());
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        return (DemoCommand) cl.parseArgs(all).subcommand().commandSpec().userObject();
    }

    @Test
    void quickPlanHasTheQuickSizeTheDefaultSamplingAndTheDemoLambda() {
        DemoPlan plan = parse("--quick", "--seed", "3", "--out", "runs/x").plan();

        assertEquals(DemoSettings.quick(), plan.size());
        assertEquals(SamplingSettings.defaults(), plan.sampling());
        assertEquals(3, plan.seed());
        assertEquals(Path.of("runs/x"), plan.dir());
        assertEquals(Path.of("runs/x/learner.ckpt"), plan.learner().checkpointPath());
        assertTrue(plan.learner().startAtEnd());
        assertEquals(1.0, plan.rewards().lambdaFormat());
        assertEquals(0.0, plan.rewards().lambdaLook(), "the demo runs without the look reward");
        assertEquals(2.0, plan.rewards().lambdaAccuracy());
        assertEquals(RunOptions.DEMO_WEIGHTS_PR[0], plan.rewards().weightPrecision(), "the demo's w_p");
        assertEquals(RunOptions.DEMO_WEIGHTS_PR[1], plan.rewards().weightRecall(), "the demo's w_r");
        assertEquals(RunOptions.DEMO_LEARNING_RATE, plan.learner().learningRate(), "the demo's learning rate");
        assertEquals(16, plan.learner().batchGroups(), "the demo's groups per step");
        assertEquals(DemoSettings.quick().sftMoreSteps(16 * 8), plan.sftMoreSteps(), "SFT continued matches B × G");
        assertTrue(plan.sftMore());
    }

    @Test
    void givenOptionsReachThePlan() {
        DemoPlan plan = parse(
                        "--rl-minutes",
                        "2.5",
                        "--rl-steps",
                        "77",
                        "--train-scenes",
                        "500",
                        "--eval-images",
                        "300",
                        "--group-size",
                        "4",
                        "--temperature",
                        "1.1",
                        "--lambda",
                        "1,1,1",
                        "--no-sft-more",
                        "--processes",
                        "--out",
                        "o")
                .plan();

        assertEquals(DemoSettings.standard().withRl(77, 2.5).withData(500, 300), plan.size());
        assertEquals(new SamplingSettings(4, 1.1f), plan.sampling());
        assertEquals(1.0, plan.rewards().lambdaLook(), "--lambda given: the demo's own weights do not apply");
        assertEquals(RunOptions.DEMO_WEIGHTS_PR[1], plan.rewards().weightRecall(), "--lambda leaves w_r the demo's");
        DemoPlan equal = parse("--weights-pr", "0.5,0.5").plan();
        assertEquals(0.5, equal.rewards().weightRecall(), "--weights-pr given: the demo's own w_r does not apply");
        assertEquals(0.0, equal.rewards().lambdaLook(), "--weights-pr leaves the demo's λ");
        assertEquals(2.0, equal.rewards().lambdaAccuracy(), "--weights-pr leaves the demo's λ");
        assertEquals(
                2e-4f,
                parse("--lr", "2e-4").plan().learner().learningRate(),
                "--lr given: the demo's own rate does not apply");
        DemoPlan b8 = parse("--batch-groups", "8").plan();
        assertEquals(8, b8.learner().batchGroups(), "--batch-groups given: the demo's own B does not apply");
        assertEquals(RunOptions.DEMO_LEARNING_RATE, b8.learner().learningRate());
        assertEquals(DemoSettings.standard().sftMoreSteps(64), b8.sftMoreSteps());
        assertTrue(plan.processes());
        assertTrue(!plan.sftMore());
    }

    @Test
    void theEngineOptionReachesThePlanAndAnUnknownOneIsRefused() {
        assertEquals(
                dev.dipr1.generator.engine.EngineSettings.Kind.OPENAI,
                parse("--engine", "openai").plan().engine());
        assertEquals(
                dev.dipr1.generator.engine.EngineSettings.Kind.DJL,
                parse().plan().engine(),
                "djl by default");
        Dipr1Test.Run r = Dipr1Test.run("demo", "--engine", "sglang");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--engine must be djl or openai"), r.err());
    }

    @Test
    void theSftAverageReachesBothSftRunsAndABadDecayIsRefused() {
        assertEquals(SftSettings.DEFAULT_EMA_DECAY, parse().plan().sftEmaDecay(), "SFT's own default");
        assertEquals(0f, parse("--sft-ema-decay", "0").plan().sftEmaDecay());
        assertEquals(0.99f, parse("--sft-ema-decay", "0.99").plan().sftEmaDecay());
        Dipr1Test.Run r = Dipr1Test.run("demo", "--sft-ema-decay", "1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--sft-ema-decay 1.0 must be 0 (no average) or in (0, 1)"), r.err());
    }

    @Test
    void theSftShiftReachesThePlanAndAShiftOutOfRangeIsRefused() {
        assertEquals(SftSettings.DEFAULT_SHIFT_PIXELS, parse().plan().sftShift(), "SFT's own default");
        assertEquals(0, parse("--sft-shift", "0").plan().sftShift());
        assertEquals(7, parse("--sft-shift", "7").plan().sftShift());
        Dipr1Test.Run r = Dipr1Test.run("demo", "--sft-shift", "17");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--sft-shift 17 must be in [0, 16] pixels"), r.err());
    }

    @Test
    void theSftLearningRateReachesThePlanAndABadOneIsRefused() {
        assertEquals(SftSettings.DEFAULT_LR, parse().plan().sftLr(), "SFT's own default");
        assertEquals(1e-3f, parse("--sft-lr", "1e-3").plan().sftLr());
        Dipr1Test.Run r = Dipr1Test.run("demo", "--sft-lr", "-1e-3");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--sft-lr -0.001 must be in (0, 1.0]"), r.err());
    }

    @Test
    void theSftBudgetReachesThePlanAndABadOneIsRefused() {
        assertEquals(DemoSettings.standard().sftSteps(), parse().plan().size().sftSteps());
        assertEquals(
                DemoSettings.quick().sftSteps(), parse("--quick").plan().size().sftSteps());
        assertEquals(3600, parse("--sft-steps", "3600").plan().size().sftSteps());
        assertEquals(
                DemoSettings.quick().withSftSteps(800),
                parse("--quick", "--sft-steps", "800").plan().size());
        Dipr1Test.Run r = Dipr1Test.run("demo", "--sft-steps", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("SFT steps (--sft-steps) must be between 1 and 100000, was 0"), r.err());
    }

    @Test
    void badSamplingIsRejectedBeforeAnythingStarts() {
        Dipr1Test.Run r = Dipr1Test.run("demo", "--group-size", "65");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--group-size must be between 2 and 64"), r.err());

        r = Dipr1Test.run("demo", "--temperature", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--temperature must be in (0, 10.0]"), r.err());

        r = Dipr1Test.run("demo", "--rl-minutes", "-1");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--rl-minutes"), r.err());
    }

    @Test
    void helpStatesTheRecordDefaults() {
        Dipr1Test.Run r = Dipr1Test.run("demo", "--help");
        SamplingSettings d = SamplingSettings.defaults();
        assertTrue(r.out().contains("(default: " + d.groupSize() + ")"), r.out());
        assertTrue(r.out().contains("(default: " + d.temperature() + ")"), r.out());
    }
}
