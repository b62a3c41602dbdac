package dev.dipr1.launcher;

import dev.dipr1.demo.HeldOutSplits;
import dev.dipr1.policy.EvalResult;
import dev.dipr1.policy.Policy;
import dev.dipr1.scenes.Split;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Greedy evaluation of a checkpoint. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint with greedy decoding: format rate, precision, recall, F1 at IoU 0.5, "
                + "mean IoU of matches, count MAE, AP50 and AP@[.5:.95] (boxes ranked by the policy's own confidence).")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE")
    Path checkpoint;

    @Option(
            names = "--split",
            required = true,
            paramLabel = "in-domain|ood",
            converter = DatasetCommand.SplitConverter.class)
    Split split;

    @Option(names = "--images", defaultValue = "200", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
        if (split == Split.TRAIN) {
            throw new IllegalArgumentException(
                    "--split must be in-domain or ood (train is what the model learned from)");
        }
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1, was " + images);
        }
        EvalResult r;
        try (Policy policy = Policy.load(checkpoint)) {
            r = evaluate(policy, split, images);
        }
        if (json) {
            System.out.println(r.toJson());
        } else {
            System.out.printf(
                    "%s (%d images): format %.3f  precision %.3f  recall %.3f  F1@0.5 %.3f  mean IoU %.3f  "
                            + "count MAE %.2f  AP50 %.3f  AP %.3f%n",
                    r.split(),
                    r.images(),
                    r.formatRate(),
                    r.precision(),
                    r.recall(),
                    r.f1(),
                    r.meanIou(),
                    r.countMae(),
                    r.ap50(),
                    r.ap());
        }
        return 0;
    }

    static EvalResult evaluate(Policy policy, Split split, int images) {
        return HeldOutSplits.evaluate(policy, split, images);
    }
}
