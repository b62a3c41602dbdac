package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.EvalResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        return new EvalResult(split, 60, 0.9, 0.5, 0.6, f1, 0.7, 1.25);
    }

    @Test
    void givenAFullRunWhenWrittenThenReportJsonHasTheSameFieldsAsBefore(@TempDir Path dir) throws Exception {
        DemoReport report = new DemoReport(dir, 1, DemoSettings.quick());
        report.sft(eval("in-domain", 0.40), eval("ood", 0.30));
        report.rl(eval("in-domain", 0.45), eval("ood", 0.31));
        List<StepStats> history = List.of(LearnerStatusDirTest.step(0), LearnerStatusDirTest.step(1));
        report.rlRun(history, 60.0, 30, new LearnerCounters(4, 2, 1), 8);
        report.note("dead_letters", "0");
        report.sftMore(eval("in-domain", 0.41), eval("ood", 0.29));
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
                        "notes",
                        "learner_steps"),
                keys(root));
        assertEquals(2, root.get("steps").asInt());
        assertEquals(
                List.of("sftSteps", "sftMinutes", "rlMinutes", "trainScenes", "evalImages", "generators"),
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
