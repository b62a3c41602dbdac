package dev.dipr1.scenes;

/** The data splits: train, held-out seeds of the same distribution, and a shifted distribution. */
public enum Split {
    TRAIN("train"),
    IN_DOMAIN("in-domain"),
    OOD("ood");

    private final String label;

    Split(String label) {
        this.label = label;
    }

    /** The name used on the command line and in records: {@code train}, {@code in-domain}, {@code ood}. */
    public String label() {
        return label;
    }

    public static Split fromLabel(String label) {
        for (Split s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown split '" + label + "': use one of train, in-domain, ood");
    }
}
