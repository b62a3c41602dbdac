package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.demo.study.StudyArm;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.rewards.RewardConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StudyCommandTest {

    static StudyCommand parse(String... args) {
        StudyCommand study = new StudyCommand();
        new CommandLine(study).parseArgs(args);
        return study;
    }

    @Test
    void studyJsonRecordsTheSftShiftAverageAndRateTheRunsTrainedWith() {
        ObjectNode given = parse("--sft-shift", "7", "--sft-ema-decay", "0.99", "--sft-lr", "1e-3", "--out", "runs/s")
                .settings();
        assertEquals(7, given.get("sft_shift_pixels").intValue());
        assertEquals(0.99f, given.get("sft_ema_decay").floatValue());
        assertEquals(1e-3f, given.get("sft_lr").floatValue());

        ObjectNode defaults = parse("--out", "runs/s").settings();
        assertEquals(
                SftSettings.DEFAULT_SHIFT_PIXELS,
                defaults.get("sft_shift_pixels").intValue());
        assertEquals(
                SftSettings.DEFAULT_EMA_DECAY, defaults.get("sft_ema_decay").floatValue());
        assertEquals(SftSettings.DEFAULT_LR, defaults.get("sft_lr").floatValue());
    }

    @Test
    void theDipr1ArmKeepsAllThreeRewardsWhileTheDemoRunsWithoutTheLookReward() throws Exception {
        StudyCommand study = parse("--out", "runs/s");
        RewardConfig dipr1 = study.dipr1Rewards();
        assertEquals(0.5, dipr1.lambdaLook(), "the study's dipr1 arm has the look reward");
        assertEquals(2.0, dipr1.lambdaAccuracy());
        assertEquals(0.0, StudyArm.NO_LOOK.rewards(dipr1).lambdaLook());
        assertEquals(
                DemoCommandTest.parse().plan().rewards(),
                StudyArm.NO_LOOK.rewards(dipr1),
                "no_look is the demo's RL, also in w_p, w_r and every other setting");
        assertEquals(1.0, parse("--lambda", "1,1,1").dipr1Rewards().lambdaLook(), "--lambda given: it is the base");
        String recorded = study.settings().get("rewards").asText();
        assertEquals(
                0.5,
                new ObjectMapper().readTree(recorded).get("lambda_look").doubleValue(),
                "study.json records the dipr1 arm's rewards");
    }

    @Test
    void repeatsAreRecordedAndZeroRunsIsRefusedWithWhatToGive() {
        assertEquals(
                3,
                parse("--repeats", "3", "--out", "runs/s")
                        .settings()
                        .get("repeats")
                        .intValue());
        assertEquals(1, parse("--out", "runs/s").settings().get("repeats").intValue());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> parse("--repeats", "0", "--out", "runs/s").study());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("--repeats 0"), e.getMessage());
    }
}
