package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.demo.study.StudyArm;
import dev.dipr1.demo.study.StudyReport;
import dev.dipr1.rewards.AccuracyForm;
import dev.dipr1.rewards.RewardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final RewardConfig DEMO = RewardConfig.defaults().withLambda(1, 0.5, 2);

    @Test
    void eachArmChangesOnlyItsReward() {
        assertEquals(DEMO, StudyArm.DIPR1.rewards(DEMO));
        assertEquals(DEMO.withLambda(1, 0, 2), StudyArm.NO_LOOK.rewards(DEMO));
        assertEquals(DEMO.withAccuracyForm(AccuracyForm.F1), StudyArm.PLAIN_F1.rewards(DEMO));
        assertEquals(DEMO.withLambda(1, 0, 0), StudyArm.FORMAT_ONLY.rewards(DEMO));
    }

    @Test
    void armsParseInTheirGivenOrderAndNeedAnRlArm() {
        assertEquals(List.of(StudyArm.NO_LOOK, StudyArm.SFT), StudyArm.parse("no_look, SFT,no_look"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StudyArm.parse("dipr1,ppo"));
        assertTrue(e.getMessage().contains("'ppo'") && e.getMessage().contains("format_only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StudyArm.parse("sft,sft_more"));
        assertTrue(e.getMessage().contains("at least one RL arm"), e.getMessage());
    }

    static JsonNode eval(double f1In, double f1Ood) throws Exception {
        return JSON.readTree("{\"in_domain\":{\"images\":10,\"f1\":" + f1In
                + ",\"ap\":0.1},\"ood\":{\"images\":10,\"f1\":" + f1Ood + ",\"ap\":0.05}}");
    }

    @Test
    void theReportAggregatesSeedsAndPairsEachArmWithItsSeedsSft(@TempDir Path dir) throws Exception {
        StudyReport r = new StudyReport(
                dir, List.of(1L, 2L, 3L), List.of(StudyArm.SFT, StudyArm.DIPR1), JSON.createObjectNode());
        double[] sft = {0.50, 0.60, 0.70};
        double[] rl = {0.53, 0.64, 0.72};
        for (int i = 0; i < 3; i++) {
            r.add(i + 1, StudyArm.SFT, eval(sft[i], 0.3), null);
            r.add(i + 1, StudyArm.DIPR1, eval(rl[i], 0.3 + i * 0.01), null);
        }
        assertEquals(List.of(0.53, 0.64, 0.72), r.values(StudyArm.DIPR1, "in_domain", "f1"));
        List<Double> d = r.differencesToSft(StudyArm.DIPR1, "in_domain", "f1");
        assertEquals(0.03, d.get(0), 1e-12);
        assertEquals(0.04, d.get(1), 1e-12);
        assertEquals(0.02, d.get(2), 1e-12);
        r.write();
        JsonNode study = JSON.readTree(dir.resolve("study.json").toFile());
        JsonNode diff = study.path("minus_sft").path("dipr1").path("in_domain").path("f1");
        assertEquals(0.03, diff.path("mean").asDouble(), 1e-12);
        assertTrue(diff.path("ci_low").asDouble() > 0, "a consistent gain: the interval is above 0");
        assertEquals(
                3,
                study.path("summary")
                        .path("sft")
                        .path("ood")
                        .path("f1")
                        .path("n")
                        .asInt());
        String md = Files.readString(dir.resolve("study.md"));
        assertTrue(md.contains("| dipr1 | 0.630 ["), md);
        assertTrue(md.contains("| sft | 0.600 [") && md.contains("| — |"), md);
        assertTrue(Files.size(dir.resolve("f1.png")) > 0);
    }

    @Test
    void eachSeedShowsItsOwnIntervalsAndHowTheRunsDiagnosticsMoved(@TempDir Path dir) throws Exception {
        StudyReport r =
                new StudyReport(dir, List.of(4L, 5L), List.of(StudyArm.SFT, StudyArm.DIPR1), JSON.createObjectNode());
        JsonNode delta = JSON.readTree("{\"in_domain\":{\"f1\":{\"delta\":0.021,\"ci_low\":0.009,\"ci_high\":0.033}},"
                + "\"ood\":{\"f1\":{\"delta\":-0.004,\"ci_low\":-0.015,\"ci_high\":0.007}}}");
        for (long seed : List.of(4L, 5L)) {
            r.add(seed, StudyArm.SFT, eval(0.6, 0.3), null);
            r.add(seed, StudyArm.DIPR1, eval(0.621, 0.296), delta);
            // entropy rises by 0.1 over 11 steps on seed 4, 0.2 on seed 5; the KL is not logged
            StringBuilder steps = new StringBuilder("[");
            for (int i = 0; i <= 10; i++) {
                steps.append(i == 0 ? "" : ",")
                        .append("{\"entropy\":")
                        .append(0.7 + (seed - 3) * 0.01 * i)
                        .append(",\"reward_accuracy\":0.5,\"reward_look\":0.4}");
            }
            r.addRun(seed, StudyArm.DIPR1, JSON.readTree(steps.append("]").toString()), seed == 4 ? delta : null);
        }
        assertEquals(0.1, r.trend(4, StudyArm.DIPR1, "entropy").change(), 1e-9);
        assertEquals(0.2, r.trend(5, StudyArm.DIPR1, "entropy").change(), 1e-9);
        assertEquals(0.0, r.trend(5, StudyArm.DIPR1, "reward_accuracy").change(), 1e-12);
        assertTrue(Double.isNaN(r.trend(5, StudyArm.DIPR1, "loss_kl").change()), "not logged is not zero");
        assertNull(r.trend(4, StudyArm.SFT, "entropy"), "SFT has no RL run");
        r.write();
        String md = Files.readString(dir.resolve("study.md"));
        assertTrue(
                md.contains("| 4 | dipr1 | 0.600 / 0.300 | 0.621 / 0.296 | +0.021 [+0.009, +0.033] | "
                        + "-0.004 [-0.015, +0.007] | +0.021 [+0.009, +0.033] / -0.004 [-0.015, +0.007] |"),
                md);
        assertTrue(
                md.contains("| 5 | dipr1 | 0.600 / 0.300 | 0.621 / 0.296 | +0.021 [+0.009, +0.033] | "
                        + "-0.004 [-0.015, +0.007] |  |"),
                md);
        assertTrue(md.contains("| 4 | dipr1 | 11 | +0.100 [+0.100, +0.100] |"), md);
        assertTrue(md.contains("| mean | dipr1 | | 0.150 ["), md);
        JsonNode study = JSON.readTree(dir.resolve("study.json").toFile());
        assertEquals(
                0.2,
                study.path("trends")
                        .path("5")
                        .path("dipr1")
                        .path("entropy")
                        .path("change")
                        .asDouble(),
                1e-9);
        assertEquals(
                0.021,
                study.path("rl_vs_sft_more")
                        .path("4")
                        .path("dipr1")
                        .path("in_domain")
                        .path("f1")
                        .path("delta")
                        .asDouble(),
                1e-12);
    }

    @Test
    void aMissingEvaluationIsAnErrorNotAZero(@TempDir Path dir) {
        StudyReport r = new StudyReport(dir, List.of(1L), List.of(StudyArm.DIPR1), JSON.createObjectNode());
        assertThrows(IllegalArgumentException.class, () -> r.add(1, StudyArm.DIPR1, null, null));
    }
}
