package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.learner.LearnerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class Dipr1Test {

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Dipr1.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void unknownOptionGetsOneLineAndUsageExitCode() {
        Run r = run("broker", "--prot", "1");
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--prot"), r.err());
        assertTrue(r.err().contains("dipr1 broker --help"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void badNumberSaysWhichOption() {
        Run r = run("broker", "--port", "lots");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--port"), r.err());
        assertTrue(r.err().contains("lots"), r.err());
    }

    @Test
    void outOfRangePortIsRejectedBeforeStarting() {
        Run r = run("broker", "--port", "70000");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--port must be between 0 and 65535"), r.err());
    }

    @Test
    void topicsWithoutBootstrapSaysWhatToPass() {
        Run r = run("topics", "describe");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--bootstrap-servers"), r.err());
    }

    @Test
    void chaosRefusesARunTooShortForEveryFaultOrAZeroFeedRateBeforeStartingAnything() {
        Run shortRun = run("chaos", "--minutes", "2");
        assertEquals(2, shortRun.exit());
        assertTrue(shortRun.err().contains("--minutes must be at least 3"), shortRun.err());
        Run noFeed = run("chaos", "--prompts-per-second", "0");
        assertEquals(2, noFeed.exit());
        assertTrue(noFeed.err().contains("--prompts-per-second"), noFeed.err());
    }

    @Test
    void aServerEngineWithoutAnEndpointIsRefusedBeforeConnecting() {
        Run r = run("generator", "--checkpoint", "missing.ckpt", "--engine", "openai", "--retries", "-1");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--endpoint is required"), r.err());
        assertTrue(r.err().contains("--retries"), r.err());
        Run vllm = run("generator", "--checkpoint", "missing.ckpt", "--engine", "vllm");
        assertEquals(2, vllm.exit(), vllm.err());
        assertTrue(vllm.err().contains("--engine must be djl or openai"), vllm.err());
    }

    @Test
    void theServersTokenizerIsOnlyForTheServerEngine() {
        Run djl = run("generator", "--checkpoint", "missing.ckpt", "--tokenizer", "server", "--vocab-size", "-2");
        assertEquals(2, djl.exit(), djl.err());
        assertTrue(djl.err().contains("--tokenizer server is for --engine openai"), djl.err());
        assertTrue(djl.err().contains("--vocab-size must not be negative"), djl.err());
        Run hf = run("generator", "--checkpoint", "missing.ckpt", "--engine", "openai", "--tokenizer", "hf");
        assertEquals(2, hf.exit(), hf.err());
        assertTrue(hf.err().contains("--tokenizer must be policy or server"), hf.err());
    }

    @Test
    void onlyAServerWithItsOwnTokenizerRunsWithoutACheckpoint() {
        Run policyTokens = run("generator", "--engine", "openai", "--endpoint", "http://127.0.0.1:1");
        assertEquals(2, policyTokens.exit(), policyTokens.err());
        assertTrue(policyTokens.err().contains("--checkpoint FILE is required"), policyTokens.err());
        Run both = run("generator", "--checkpoint", "missing.ckpt", "--start-version", "3");
        assertEquals(2, both.exit(), both.err());
        assertTrue(both.err().contains("--start-version is for a generator without --checkpoint"), both.err());
        Run negative = run(
                "generator",
                "--engine",
                "openai",
                "--endpoint",
                "http://127.0.0.1:1",
                "--tokenizer",
                "server",
                "--start-version",
                "-1");
        assertEquals(2, negative.exit(), negative.err());
        assertTrue(negative.err().contains("--start-version must not be negative"), negative.err());
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine cl = Dipr1.commandLine();
        for (String name : cl.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            // picocli reports a description it cannot format (a lone % in it) on System.err, not the command's writer
            java.io.ByteArrayOutputStream tracer = new java.io.ByteArrayOutputStream();
            java.io.PrintStream stderr = System.err;
            System.setErr(new java.io.PrintStream(tracer, true, java.nio.charset.StandardCharsets.UTF_8));
            Run r;
            try {
                r = run(name, "--help");
            } finally {
                System.setErr(stderr);
            }
            assertEquals(0, r.exit(), name + ": " + r.err());
            assertTrue(r.out().contains("Usage: dipr1 " + name), name + ": " + r.out());
            String warnings = tracer.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertFalse(warnings.contains("picocli WARN"), name + ": " + warnings);
        }
    }

    @Test
    void learnerHelpShowsNoDemoPlumbing() {
        Run r = run("learner", "--help");
        assertEquals(0, r.exit(), r.err());
        for (String flag : new String[] {"--status-dir", "--history", "--ready-file"}) {
            assertFalse(r.out().contains(flag), flag + " is not part of the public learner CLI: " + r.out());
        }
    }

    @Test
    void demoHelpShowsTheDemosOwnRewardWeights() {
        String out = demoHelp();
        for (String stated : new String[] {
            "dipr1 demo: " + csv(RunOptions.DEMO_LAMBDA) + ";",
            "the dipr1 arm of dipr1 study: " + csv(RunOptions.DIPR1_LAMBDA) + ")",
            "dipr1 demo and study: " + csv(RunOptions.DEMO_WEIGHTS_PR) + ")"
        }) {
            assertTrue(out.contains(stated), stated + " in: " + out);
        }
    }

    /** {@code dipr1 demo --help} on one line: picocli wraps the descriptions. */
    private static String demoHelp() {
        Run r = run("demo", "--help");
        assertEquals(0, r.exit(), r.err());
        return r.out().replaceAll("\\s+", " ");
    }

    private static String csv(double[] weights) {
        return java.util.Arrays.stream(weights)
                .mapToObj(w -> w == Math.rint(w) ? String.valueOf((long) w) : String.valueOf(w))
                .collect(java.util.stream.Collectors.joining(","));
    }

    @Test
    void demoHelpShowsTheDemosOwnLearningRateAndBatchAsThePlanUsesThem() {
        String out = demoHelp();
        var learner = DemoCommandTest.parse().plan().learner();
        for (String stated : new String[] {
            "groups per step (default: " + LearnerSettings.DEFAULT_BATCH_GROUPS + "; dipr1 demo and study: "
                    + learner.batchGroups() + ")",
            "Learning rate (default: " + LearnerSettings.DEFAULT_LEARNING_RATE + "; dipr1 demo and study: "
                    + learner.learningRate() + ")"
        }) {
            assertTrue(out.contains(stated), stated + " in: " + out);
        }
    }

    @Test
    void noCommandAsksForOne() {
        Run r = run();
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("name a command"), r.err());
    }
}
