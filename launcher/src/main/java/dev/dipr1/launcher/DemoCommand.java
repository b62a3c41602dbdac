package dev.dipr1.launcher;

import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.DemoPlan;
import dev.dipr1.demo.DemoReport;
import dev.dipr1.demo.DemoRun;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The main job: everything in one go. Parses the options into a {@link DemoPlan} and runs it. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run DIP-R1 end to end: a Kafka broker (embedded unless --bootstrap-servers), synthetic splits, "
                    + "SFT (cached per seed), asynchronous GRPO with DIP-R1's format and accuracy rewards (the look reward "
                    + "is off by default: --lambda 1,0.5,2 adds it; generator, reward stream and learner running "
                    + "concurrently), an equal-compute SFT baseline, and evaluation of all on "
                    + "in-domain and ood. Writes report.json, report.md and plots to --out.",
            "Budgets are in steps (the minutes are safety caps). Default run about 19 minutes on 2 cores (10 once the "
                    + "seed's SFT is cached); --quick about 4."
        })
final class DemoCommand implements Callable<Integer> {

    @Mixin
    RunOptions run;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seed of SFT, data and sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: runs/<timestamp>).")
    Path out;

    @Option(names = "--no-sft-more", description = "Skip the equal-compute SFT baseline.")
    boolean noSftMore;

    @Option(
            names = "--sft-checkpoint",
            paramLabel = "FILE",
            description = "Start RL from this SFT checkpoint instead of training (or reusing a cached) one.")
    Path sftCheckpoint;

    @Override
    public Integer call() throws Exception {
        DemoReport report = new DemoRun(plan(), run.kafka::connect, new ChildJvm(Dipr1.class.getName())).call();
        System.out.println(report.summary());
        return 0;
    }

    /** The validated plan of this run; bad options throw IllegalArgumentException saying what to change. */
    DemoPlan plan() {
        FileArguments.requireFile(
                "--sft-checkpoint",
                sftCheckpoint,
                "pass a checkpoint written by 'dipr1 sft --out FILE', or leave the option out to train one");
        Path dir = out != null
                ? out
                : Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        return run.plan(seed, dir, run.rewardConfig(), !noSftMore, sftCheckpoint);
    }
}
