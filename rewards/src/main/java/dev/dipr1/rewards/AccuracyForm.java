package dev.dipr1.rewards;

/**
 * How the accuracy reward combines precision and recall of the matching (rewards.md §3).
 *
 * <p>{@link #WEIGHTED} is the spec's {@code w_p · precision + w_r · recall}. {@link #F1} is an
 * ablation of the study (issue 11), not part of spec v1: the harmonic mean
 * {@code 2 · S / (|P| + |T|)} of the same soft (or hard) precision and recall, with the spec's edge
 * cases. A config with the spec's form hashes and serialises exactly as before this option existed.
 */
public enum AccuracyForm {
    /** {@code w_p · precision + w_r · recall}: rewards.md §3. */
    WEIGHTED("weighted"),
    /** {@code 2 · precision · recall / (precision + recall)}. */
    F1("f1");

    private final String label;

    AccuracyForm(String label) {
        this.label = label;
    }

    /** The name used on the command line and in JSON. */
    public String label() {
        return label;
    }

    /** The form called {@code label}; an unknown name fails naming the known ones. */
    public static AccuracyForm fromLabel(String label) {
        for (AccuracyForm f : values()) {
            if (f.label.equals(label)) {
                return f;
            }
        }
        throw new IllegalArgumentException("accuracy form '" + label + "' is unknown: use weighted or f1");
    }
}
