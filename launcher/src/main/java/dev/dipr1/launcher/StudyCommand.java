package dev.dipr1.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.study.StudyArm;
import dev.dipr1.demo.study.StudyReport;
import dev.dipr1.demo.study.StudyRun;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The ablation study of issue 11: the demo's protocol per seed and arm, aggregated with confidence intervals. */
@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        description = {
            "Run the DIP-R1 ablation study: for each seed, from one shared SFT checkpoint, SFT; SFT continued; "
                    + "GRPO with all three rewards (dipr1); without the look reward (no_look); with accuracy as plain "
                    + "F1 (plain_f1); with the format reward only (format_only). Each RL arm is one demo run with "
                    + "the demo's options. Writes study.json, study.md (mean and 95%% CI across seeds) and plots.",
            "A run whose report.json exists under --out is read, not rerun: an interrupted study resumes."
        })
final class StudyCommand implements Callable<Integer> {

    @Mixin
    RunOptions run;

    @Option(
            names = "--seeds",
            split = ",",
            paramLabel = "S1,S2,…",
            defaultValue = "1,2,3",
            description = "Seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(
            names = "--arms",
            paramLabel = "A1,A2,…",
            description = "Arms, from sft,sft_more,dipr1,no_look,plain_f1,format_only (default: all).")
    String arms;

    @Option(
            names = "--repeats",
            defaultValue = "1",
            paramLabel = "N",
            description = "Runs of each RL arm per seed, all from the seed's one SFT start; above 1 the report "
                    + "shows how far runs of the same settings land apart (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
            names = "--out",
            defaultValue = "runs/study",
            paramLabel = "DIR",
            description = "Where the study goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws Exception {
        StudyReport report = study().call();
        System.out.println(java.nio.file.Files.readString(out.resolve("study.md")));
        return report == null ? 1 : 0;
    }

    /** The validated study; bad options throw IllegalArgumentException saying what to change. */
    StudyRun study() {
        List<StudyArm> chosen = StudyArm.parse(arms != null ? arms : StudyArm.labels());
        if (new java.util.HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException("--seeds " + seeds + " repeats a seed: give each seed once");
        }
        // fail now, not after the first seed's hours, when an option is bad
        run.plan(seeds.get(0), out, dipr1Rewards(), true, null);
        return new StudyRun(
                new ArrayList<>(seeds),
                chosen,
                repeats,
                out,
                settings(),
                // each run has topics of its own, also on a shared --bootstrap-servers cluster
                (seed, arm, dir, sftMore) -> run.plan(
                        seed,
                        dir,
                        arm.rewards(dipr1Rewards()),
                        sftMore,
                        null,
                        TopicCatalog.withPrefix(
                                run.kafka.catalog().prefix() + "study-s" + seed + "-" + dir.getFileName() + "-")),
                run.kafka::connect,
                new ChildJvm(Dipr1.class.getName()));
    }

    /**
     * The dipr1 arm's rewards, which the other arms vary: all three at {@link RunOptions#DIPR1_LAMBDA} unless --lambda
     * is given (the demo itself runs without the look reward since 2026-12-05, the study's no_look arm).
     */
    RewardConfig dipr1Rewards() {
        return run.rewardConfig(RunOptions.DIPR1_LAMBDA);
    }

    /** What study.json records of the options every run shares, the SFT's shift, average and learning rate included. */
    ObjectNode settings() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode settings = json.createObjectNode();
        settings.set("size", json.valueToTree(run.size()));
        settings.put("sft_shift_pixels", run.sftShift);
        settings.put("sft_ema_decay", run.sftEmaDecay);
        settings.put("sft_lr", run.sftLr);
        settings.put("rewards", dipr1Rewards().toJson());
        settings.put("group_size", run.groupSize);
        settings.put("temperature", run.temperature);
        LearnerSettings learner = run.learnerSettings(out);
        settings.put("batch_groups", learner.batchGroups());
        settings.put("learning_rate", learner.learningRate());
        settings.put("repeats", repeats);
        return settings;
    }
}
