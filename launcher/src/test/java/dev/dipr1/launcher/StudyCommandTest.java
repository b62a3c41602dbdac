package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.policy.SftSettings;
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
}
