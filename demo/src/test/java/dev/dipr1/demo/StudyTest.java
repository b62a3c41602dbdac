package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void aMissingEvaluationIsAnErrorNotAZero(@TempDir Path dir) {
        StudyReport r = new StudyReport(dir, List.of(1L), List.of(StudyArm.DIPR1), JSON.createObjectNode());
        assertThrows(IllegalArgumentException.class, () -> r.add(1, StudyArm.DIPR1, null, null));
    }
}
