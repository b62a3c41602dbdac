package dev.dipr1.demo.study;

import dev.dipr1.rewards.AccuracyForm;
import dev.dipr1.rewards.RewardConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One arm of the study: a baseline, or GRPO with one variant of the demo's rewards. */
public enum StudyArm {
    /** The SFT checkpoint every other arm starts from. */
    SFT("sft", false),
    /** SFT continued on the same training set for the RL phase's compute. */
    SFT_MORE("sft_more", false),
    /** GRPO with all three DIP-R1 rewards (λ = 1, 0.5, 2 unless the study is given others). */
    DIPR1("dipr1", true),
    /** Without the look reward (λ_look = 0): the demo's rewards since 2026-12-05. */
    NO_LOOK("no_look", true),
    /** Accuracy as the plain F1 of precision and recall instead of their weighted sum. */
    PLAIN_F1("plain_f1", true),
    /** The format reward alone (λ_look = λ_acc = 0). */
    FORMAT_ONLY("format_only", true);

    private final String label;
    private final boolean rl;

    StudyArm(String label, boolean rl) {
        this.label = label;
        this.rl = rl;
    }

    /** The name on the command line and in study.json. */
    public String label() {
        return label;
    }

    /** Whether this arm runs GRPO (otherwise it is a baseline of the first RL arm's demo run). */
    public boolean rl() {
        return rl;
    }

    /** The rewards of this arm, a variant of {@code base} (the dipr1 arm's). */
    public RewardConfig rewards(RewardConfig base) {
        return switch (this) {
            case NO_LOOK -> base.withLambda(base.lambdaFormat(), 0, base.lambdaAccuracy());
            case PLAIN_F1 -> base.withAccuracyForm(AccuracyForm.F1);
            case FORMAT_ONLY -> base.withLambda(base.lambdaFormat(), 0, 0);
            default -> base;
        };
    }

    /** Arms named by a comma-separated list; an unknown name fails naming the known ones. */
    public static List<StudyArm> parse(String csv) {
        List<StudyArm> arms = new ArrayList<>();
        for (String part : csv.split(",")) {
            String name = part.trim().toLowerCase(Locale.ROOT);
            StudyArm arm = null;
            for (StudyArm a : values()) {
                if (a.label.equals(name)) {
                    arm = a;
                }
            }
            if (arm == null) {
                throw new IllegalArgumentException("--arms: unknown arm '" + part + "'; known: " + labels());
            }
            if (!arms.contains(arm)) {
                arms.add(arm);
            }
        }
        if (arms.stream().noneMatch(StudyArm::rl)) {
            throw new IllegalArgumentException(
                    "--arms needs at least one RL arm (dipr1, no_look, plain_f1, format_only)");
        }
        return arms;
    }

    /** Every arm's name, comma-separated, in the study's order. */
    public static String labels() {
        return String.join(
                ",", java.util.Arrays.stream(values()).map(StudyArm::label).toList());
    }
}
