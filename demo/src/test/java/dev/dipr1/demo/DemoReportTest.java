package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.EvalResult;
import dev.dipr1.policy.Evaluation;
import dev.dipr1.policy.Evaluator;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.policy.TargetTemplate;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.json keeps the fields (names, order, types) the demo has always written. */
class DemoReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static EvalResult eval(String split, double f1) {
        return new EvalResult(split, 60, 0.9, 0.5, 0.6, f1, 0.7, 1.25, 0.45, 0.2);
    }

    @Test
    void theReportSaysWhatRlRanWith(@TempDir Path dir) throws Exception {
        DemoReport report = new DemoReport(dir, 1, DemoSettings.quick());
        RewardConfig rewards = RewardConfig.defaults().withLambda(1, 0.5, 2).withPrecisionRecallWeights(0.3, 0.7);
        LearnerSettings learner =
                LearnerSettings.defaults().withLearningRate(3e-5f).withBatchGroups(16);
        report.rlSettings(rewards, new SamplingSettings(8, 0.7f), learner);

        report.write();

        JsonNode run = JSON.readTree(dir.resolve("report.json").toFile()).get("rl_settings");
        assertEquals(rewards, RewardConfig.fromJson(run.get("rewards").toString()), "the rewards, exactly");
        assertEquals(0.7, run.get("rewards").get("weight_recall").asDouble());
        assertEquals(8, run.get("sampling").get("group_size").asInt());
        assertEquals(0.7f, run.get("sampling").get("temperature").floatValue());
        assertEquals(16, run.get("learner").get("batch_groups").asInt());
        assertEquals(3e-5f, run.get("learner").get("learning_rate").floatValue());
        assertEquals(
                GrpoLoss.Settings.DEFAULT_BETA,
                run.get("learner").get("loss").get("beta").floatValue());
    }

    @Test
    void theReportSaysWhatEachSftRunTrainedWith(@TempDir Path dir) throws Exception {
        SftSettings start = new SftSettings(400, 32, 1e-3f, 80, 3, 90, 600, 40, 200, 0f, 4);
        SftSettings continued = new SftSettings(150, 32, 2e-4f, 20, 3, 90, 600, 0, 200, 0.99f, 2);
        DemoReport report = new DemoReport(dir, 3, DemoSettings.quick());
        report.sftSettings(start, continued);
        report.write();

        JsonNode sft = JSON.readTree(dir.resolve("report.json").toFile()).get("sft_settings");
        assertEquals(4, sft.get("sft").get("shift_pixels").asInt());
        assertEquals(600, sft.get("sft").get("train_scenes").asInt());
        assertEquals(400, sft.get("sft").get("steps").asInt());
        assertEquals(2, sft.get("sft_more").get("shift_pixels").asInt());
        assertEquals(0.99f, sft.get("sft_more").get("ema_decay").floatValue());

        DemoReport given = new DemoReport(dir, 3, DemoSettings.quick());
        given.sftSettings(null, null);
        given.write();
        JsonNode none = JSON.readTree(dir.resolve("report.json").toFile()).get("sft_settings");
        assertTrue(none.isEmpty(), "a given checkpoint's settings are unknown, and no SFT continued ran: " + none);
    }

    /**
     * {@code dipr1 study} takes an existing report.json for a finished run and reads it instead of rerunning
     * (StudyRun): a study killed while a run writes its report must not leave a torn file behind. A reader
     * racing the writer sees every state such a kill could leave; with a truncate-then-write it sees an empty or
     * half-written report within a few writes.
     */
    @Test
    void aReaderRacingTheWriterOnlyEverSeesAWholeReport(@TempDir Path dir) throws Exception {
        DemoReport report = new DemoReport(dir, 1, DemoSettings.quick());
        report.put("sft", eval("in-domain", 0.40), eval("ood", 0.30));
        report.totalSeconds(0);
        report.write();
        int writes = 100;
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 1; i <= writes; i++) {
                    report.totalSeconds(i);
                    report.write();
                }
            } catch (Exception e) {
                failed.set(e);
            }
        });
        writer.start();
        int reads = 0;
        try {
            while (writer.isAlive() || reads == 0) {
                JsonNode root = JSON.readTree(dir.resolve("report.json").toFile()); // throws on a torn file
                assertTrue(root.has("sft") && root.has("total_seconds"), "a whole report: " + root);
                reads++;
            }
        } finally {
            writer.join();
        }
        assertEquals(null, failed.get());
        assertEquals(
                writes,
                JSON.readTree(dir.resolve("report.json").toFile())
                        .get("total_seconds")
                        .asDouble());
    }

    @Test
    void givenAFullRunWhenWrittenThenReportJsonHasTheSameFieldsAsBefore(@TempDir Path dir) throws Exception {
        DemoReport report = new DemoReport(dir, 1, DemoSettings.quick());
        report.put("sft", eval("in-domain", 0.40), eval("ood", 0.30));
        report.put("rl", eval("in-domain", 0.45), eval("ood", 0.31));
        List<StepStats> history = List.of(LearnerStatusDirTest.step(0), LearnerStatusDirTest.step(1));
        report.rlRun(history, 60.0, 30, new LearnerCounters(4, 2, 1), 8);
        report.note("dead_letters", "0");
        report.put("sft_more", eval("in-domain", 0.41), eval("ood", 0.29));
        report.totalSeconds(300.5);
        report.peakResidentMb(2900);

        report.write();

        JsonNode root = JSON.readTree(dir.resolve("report.json").toFile());
        assertEquals(
                List.of(
                        "seed",
                        "steps",
                        "settings",
                        "sft",
                        "rl",
                        "throughput",
                        "sft_more",
                        "total_seconds",
                        "peak_resident_mb",
                        "deltas",
                        "notes",
                        "learner_steps"),
                keys(root));
        assertEquals(2, root.get("steps").asInt());
        assertEquals(
                List.of("sftSteps", "rlSteps", "rlMaxMinutes", "trainScenes", "evalImages", "generators"),
                keys(root.get("settings")));
        JsonNode t = root.get("throughput");
        assertEquals(
                List.of(
                        "rl_seconds",
                        "groups_generated",
                        "generator_groups_per_s",
                        "generator_samples_per_s",
                        "learner_steps",
                        "learner_samples",
                        "learner_samples_per_s",
                        "learner_step_seconds_mean",
                        "groups_dropped_stale",
                        "groups_dropped_zero_variance",
                        "groups_dropped_duplicate",
                        "final_policy_version"),
                keys(t));
        assertEquals(0.5, t.get("generator_groups_per_s").asDouble(), 1e-12);
        assertEquals(4.0, t.get("generator_samples_per_s").asDouble(), 1e-12);
        assertEquals(32, t.get("learner_samples").asLong());
        assertEquals(4.0, t.get("groups_dropped_stale").asDouble());
        assertTrue(t.get("groups_dropped_stale").isDouble(), "counters stay doubles, as Micrometer counts them");
        assertEquals(2.0, t.get("groups_dropped_zero_variance").asDouble());
        assertEquals(1.0, t.get("groups_dropped_duplicate").asDouble());
        assertEquals(1, t.get("final_policy_version").asLong());
        JsonNode row = root.get("learner_steps").get(1);
        assertEquals(
                List.of(
                        "step",
                        "policy_version",
                        "loss_policy",
                        "loss_kl",
                        "clip_ratio",
                        "reward_format",
                        "reward_look",
                        "reward_accuracy",
                        "reward_total",
                        "seconds",
                        "entropy",
                        "grad_norm",
                        "std_format",
                        "std_look",
                        "std_accuracy",
                        "staleness_histogram"),
                keys(row));
        assertEquals(2.25, row.get("entropy").asDouble(), 1e-12);
        assertEquals(1.5, row.get("grad_norm").asDouble(), 1e-12);
        assertEquals(0.125, row.get("std_accuracy").asDouble(), 1e-12);
        assertEquals(1, row.get("staleness_histogram").get("1").asInt(), "one group one version old");
        assertEquals(-0.1, row.get("loss_policy").asDouble(), 1e-12);
        assertEquals(1.3, row.get("reward_accuracy").asDouble(), 1e-12);
        assertEquals(0.45, root.get("rl").get("in_domain").get("f1").asDouble(), 1e-6);
        assertTrue(Files.readString(dir.resolve("report.md")).contains("SFT 0.400 -> RL 0.450 (+0.050)"));
        assertTrue(Files.exists(dir.resolve("rewards.png")) && Files.exists(dir.resolve("f1.png")));
        for (String plot : List.of("entropy", "grad_norm", "kl", "clip_fraction", "reward_std", "staleness")) {
            assertTrue(Files.size(dir.resolve(plot + ".png")) > 0, plot);
            assertTrue(Files.readString(dir.resolve("report.md")).contains("(" + plot + ".png)"), plot);
        }
    }

    @Test
    void pairedDeltasCarryBootstrapIntervalsOverTheSameImages(@TempDir Path dir) throws Exception {
        List<Scene> in = SyntheticScenes.generate(Split.IN_DOMAIN, 1000, 0, 40);
        List<Scene> ood = SyntheticScenes.generate(Split.OOD, 1000, 0, 40);
        DemoReport report = new DemoReport(dir, 3, DemoSettings.quick());
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1)) {
            // SFT answers nothing, RL answers the targets, SFT continued every other image
            report.sft(answers(in, p, i -> false), answers(ood, p, i -> false));
            report.rl(answers(in, p, i -> true), answers(ood, p, i -> true));
            report.sftMore(answers(in, p, i -> i % 2 == 0), answers(ood, p, i -> i % 2 == 0));
        }
        report.write();

        JsonNode deltas = JSON.readTree(dir.resolve("report.json").toFile()).get("deltas");
        assertEquals(List.of("rl_vs_sft", "rl_vs_sft_more", "sft_more_vs_sft"), keys(deltas));
        JsonNode f1 = deltas.get("rl_vs_sft").get("in_domain").get("f1");
        assertEquals(List.of("delta", "ci_low", "ci_high"), keys(f1));
        assertEquals(1.0, f1.get("delta").asDouble(), 1e-9, "F1 0 -> 1");
        JsonNode half = deltas.get("rl_vs_sft_more").get("ood").get("f1");
        assertTrue(half.get("ci_low").asDouble() > 0 && half.get("ci_high").asDouble() < 1, half.toString());
        assertEquals(
                List.of("f1", "ap50", "ap"), keys(deltas.get("sft_more_vs_sft").get("ood")));
        assertTrue(Files.readString(dir.resolve("report.md")).contains("| rl_vs_sft | in_domain | +1.000 ["));
    }

    static Evaluation answers(List<Scene> scenes, Policy p, java.util.function.IntPredicate answered) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            texts.add(answered.test(i) ? TargetTemplate.of(scenes.get(i)).text(p.tokenizer()) : "<answer>[]</answer>");
        }
        return Evaluator.score(scenes, texts, scenes.get(0).id().contains("ood") ? "ood" : "in-domain");
    }

    @Test
    void withoutLearnerStepsThereIsNoFinalPolicyVersion(@TempDir Path dir) throws Exception {
        DemoReport report = new DemoReport(dir, 2, DemoSettings.quick());
        report.rlRun(List.of(), 10.0, 0, LearnerCounters.NONE, 8);
        report.write();

        JsonNode t = JSON.readTree(dir.resolve("report.json").toFile()).get("throughput");
        assertFalse(t.has("final_policy_version"));
        assertEquals(0.0, t.get("learner_step_seconds_mean").asDouble());
        assertEquals(0.0, t.get("groups_dropped_stale").asDouble());
    }
}
