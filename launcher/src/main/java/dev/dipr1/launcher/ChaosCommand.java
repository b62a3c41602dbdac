package dev.dipr1.launcher;

import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.chaos.ChaosRun;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The fault-injection run: the pipeline as child JVMs, seeded faults, a verdict read back from the topics. */
@Command(
        name = "chaos",
        mixinStandardHelpOptions = true,
        description = "Run broker, reward streams x2, learner and generators x2 as child JVMs, inject faults on a "
                + "seeded schedule (SIGKILL of each service, SIGSTOP and SIGKILL of the broker, bad records on every "
                + "topic), then check from the topics and the learner's step log that nothing was lost. Writes "
                + "verdict.json and summary.md; exit code 0 only when every check passes.")
final class ChaosCommand implements Callable<Integer> {

    @Option(
            names = "--minutes",
            defaultValue = "3",
            description =
                    "Run length, at least 3; 10 or more stops the broker for 30-120 s (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--seed", defaultValue = "1", description = "Fixes the fault schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/chaos-<timestamp>).")
    Path out;

    @Option(
            names = "--prompts-per-second",
            defaultValue = "0.5",
            description = "The feeder's steady rate (default: ${DEFAULT-VALUE}).")
    double promptsPerSecond;

    @Option(
            names = "--settle-seconds",
            defaultValue = "120",
            description = "Most seconds after the planned end to wait for every record to be accounted for "
                    + "(default: ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Override
    public Integer call() throws Exception {
        Path dir = out != null
                ? out
                : Path.of(
                        "runs", "chaos-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        ChaosRun run = new ChaosRun(
                new ChaosRun.Settings(minutes, seed, dir, promptsPerSecond, settleSeconds),
                new ChildJvm(Dipr1.class.getName()));
        ChaosRun.Result r = run.run();
        System.out.println((r.passed() ? "PASSED" : "FAILED") + ": " + r.verdict() + ", " + r.summary());
        return r.passed() ? 0 : 1;
    }
}
