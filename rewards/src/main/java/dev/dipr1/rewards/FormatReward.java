package dev.dipr1.rewards;

/** Spec §2: {@code r_fmt ∈ {0, 1}}. */
public final class FormatReward {

    private FormatReward() {}

    /** 1 when the completion parses as in §1 and every box of both blocks is valid, else 0. */
    public static double of(ParsedCompletion p) {
        return p.wellFormed() ? 1.0 : 0.0;
    }
}
