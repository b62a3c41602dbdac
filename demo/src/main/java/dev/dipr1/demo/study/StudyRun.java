package dev.dipr1.demo.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.DemoPlan;
import dev.dipr1.demo.DemoRun;
import dev.dipr1.demo.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a study: per seed, one demo run per RL arm (the first also evaluates SFT and trains SFT
 * continued), all from the same cached SFT checkpoint of that seed, then aggregates their reports.
 * With {@code repeats} above 1 each RL arm runs that many times per seed from the same start (in
 * {@code <arm>}, {@code <arm>-run2}, …), to measure how far runs of the same settings land apart; SFT
 * and SFT continued run once. A run whose {@code report.json} already exists is read, not rerun, so an
 * interrupted study resumes where it stopped.
 */
public final class StudyRun implements Callable<StudyReport> {

    private static final Logger LOG = LoggerFactory.getLogger(StudyRun.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The demo plan of one RL arm of one seed, run in {@code dir}; {@code sftMore}: also train SFT continued. */
    @FunctionalInterface
    public interface Planner {
        DemoPlan plan(long seed, StudyArm arm, Path dir, boolean sftMore);
    }

    private final List<Long> seeds;
    private final List<StudyArm> arms;
    private final int repeats;
    private final Path dir;
    private final ObjectNode settings;
    private final Planner planner;
    private final KafkaConnection.Opener kafka;
    private final ChildJvm jvm;

    public StudyRun(
            List<Long> seeds,
            List<StudyArm> arms,
            int repeats,
            Path dir,
            ObjectNode settings,
            Planner planner,
            KafkaConnection.Opener kafka,
            ChildJvm jvm) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds: give at least one seed");
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats " + repeats + ": give 1 or more runs per arm and seed");
        }
        this.seeds = List.copyOf(seeds);
        this.arms = List.copyOf(arms);
        this.repeats = repeats;
        this.dir = dir;
        this.settings = settings;
        this.planner = planner;
        this.kafka = kafka;
        this.jvm = jvm;
    }

    @Override
    public StudyReport call() throws Exception {
        StudyReport report = new StudyReport(dir, seeds, arms, settings);
        for (long seed : seeds) {
            boolean first = true;
            for (int run = 1; run <= repeats; run++) {
                for (StudyArm arm : arms) {
                    if (!arm.rl()) {
                        continue;
                    }
                    Path runDir = dir.resolve("seed" + seed).resolve(arm.label() + (run == 1 ? "" : "-run" + run));
                    Path json = runDir.resolve("report.json");
                    if (Files.exists(json)) {
                        LOG.info("study: seed {} {} already ran; reading {}", seed, runDir.getFileName(), json);
                    } else {
                        LOG.info("study: seed {} {}", seed, runDir.getFileName());
                        boolean sftMore = first && arms.contains(StudyArm.SFT_MORE);
                        new DemoRun(planner.plan(seed, arm, runDir, sftMore), kafka, jvm).call();
                    }
                    JsonNode r = JSON.readTree(json.toFile());
                    if (first) {
                        if (arms.contains(StudyArm.SFT)) {
                            report.add(seed, StudyArm.SFT, r.get("sft"), null);
                        }
                        if (arms.contains(StudyArm.SFT_MORE)) {
                            report.add(
                                    seed,
                                    StudyArm.SFT_MORE,
                                    r.get("sft_more"),
                                    r.path("deltas").get("sft_more_vs_sft"));
                        }
                    }
                    report.add(seed, arm, r.get("rl"), r.path("deltas").get("rl_vs_sft"));
                    report.addRun(
                            seed, arm, r.get("learner_steps"), r.path("deltas").get("rl_vs_sft_more"));
                    first = false;
                    report.write(); // after every run, so a long study can be read while it runs
                }
            }
        }
        report.write();
        return report;
    }
}
