package dev.dipr1.launcher;

import dev.dipr1.rewards.AccuracyForm;
import dev.dipr1.rewards.RewardConfig;
import picocli.CommandLine.Option;

/** The reward settings of rewards.md §6 as command-line options; defaults are §6's. */
public final class RewardOptions {

    /** The scalar options start from these; the two lists keep text defaults so the help shows them as typed. */
    private static final RewardConfig DEFAULTS = RewardConfig.defaults();

    @Option(
            names = "--iou",
            paramLabel = "TAU",
            description = "IoU for a prediction to match GT, in (0, 1] (default: ${DEFAULT-VALUE}).")
    double iou = DEFAULTS.iouThreshold();

    @Option(names = "--hard", description = "Count matches instead of summing matched IoU (soft = false).")
    boolean hard;

    @Option(
            names = "--weights-pr",
            paramLabel = "WP,WR",
            defaultValue = "0.5,0.5",
            split = ",",
            description = "Weights of precision and recall; must sum to 1 (default: ${DEFAULT-VALUE}; dipr1 demo and "
                    + "study: 0.3,0.7).")
    double[] weightsPr;

    @Option(
            names = "--cluster-iou",
            paramLabel = "TAU_C",
            description = "IoU for a box to join a consensus cluster (default: ${DEFAULT-VALUE}).")
    double clusterIou = DEFAULTS.clusterIou();

    @Option(
            names = "--uncertainty",
            paramLabel = "THETA",
            description = "Uncertainty for a cluster to count as uncertain (default: ${DEFAULT-VALUE}).")
    double uncertainty = DEFAULTS.uncertaintyThreshold();

    @Option(
            names = "--max-look-area",
            paramLabel = "ALPHA",
            description = "Largest look box as a fraction of the image area (default: ${DEFAULT-VALUE}).")
    double maxLookArea = DEFAULTS.maxLookAreaFraction();

    @Option(
            names = "--lambda",
            paramLabel = "FMT,LOOK,ACC",
            defaultValue = "1,1,1",
            split = ",",
            description = "Weights of the format, look and accuracy rewards (default: ${DEFAULT-VALUE}; dipr1 demo: "
                    + "1,0,2; the dipr1 arm of dipr1 study: 1,0.5,2).")
    double[] lambda;

    @Option(
            names = "--epsilon",
            paramLabel = "EPS",
            description = "Added to the group std (default: ${DEFAULT-VALUE}).")
    double epsilon = DEFAULTS.epsilon();

    @Option(names = "--no-std-scaling", description = "Do not divide advantages by the group std (Dr. GRPO).")
    boolean noStdScaling;

    @Option(
            names = "--accuracy",
            paramLabel = "FORM",
            defaultValue = "weighted",
            description = "Accuracy reward: weighted (rewards.md §3, w_p·precision + w_r·recall) or f1 "
                    + "(their harmonic mean, an ablation) (default: ${DEFAULT-VALUE}).")
    String accuracy;

    /** The validated configuration; a bad value throws IllegalArgumentException naming what to change. */
    public RewardConfig config() {
        if (weightsPr.length != 2) {
            throw new IllegalArgumentException(
                    "--weights-pr takes two numbers WP,WR (e.g. 0.5,0.5), got " + weightsPr.length);
        }
        if (lambda.length != 3) {
            throw new IllegalArgumentException(
                    "--lambda takes three numbers FMT,LOOK,ACC (e.g. 1,1,1), got " + lambda.length);
        }
        try {
            return new RewardConfig(
                    iou,
                    !hard,
                    weightsPr[0],
                    weightsPr[1],
                    clusterIou,
                    uncertainty,
                    maxLookArea,
                    lambda[0],
                    lambda[1],
                    lambda[2],
                    epsilon,
                    !noStdScaling,
                    AccuracyForm.fromLabel(accuracy));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "bad reward setting: " + e.getMessage()
                            + " (options: --iou, --weights-pr, --cluster-iou, --uncertainty, --max-look-area, --lambda, --epsilon, --accuracy)");
        }
    }
}
