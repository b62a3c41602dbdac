package dev.dipr1.launcher;

import dev.dipr1.demo.Charts;
import dev.dipr1.demo.Progress;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.policy.SftTrainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Supervised warm start. */
@Command(
        name = "sft",
        mixinStandardHelpOptions = true,
        description = "Supervised fine-tuning (teacher forcing) on a fixed set of synthetic train scenes, keeping the "
                + "checkpoint that is best on a validation split of the training distribution: the RL starting point. "
                + "Each batch is split over data-parallel copies of the model, as many as ai.djl.pytorch.num_threads "
                + "(default: every core), each running libtorch on one thread.")
final class SftCommand implements Callable<Integer> {

    private static final SftSettings DEFAULTS = SftSettings.defaults();

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the checkpoint.")
    Path out;

    @Option(names = "--seed", description = "Seed of weights and data (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(
            names = "--init",
            paramLabel = "FILE",
            description = "Continue from this checkpoint instead of fresh weights.")
    Path init;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "Optimisation steps (default: ${DEFAULT-VALUE}, the calibrated run).")
    int steps = DEFAULTS.steps();

    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = DEFAULTS.batchSize();

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    float lr = DEFAULTS.lr();

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup = DEFAULTS.warmupSteps();

    @Option(
            names = "--max-minutes",
            paramLabel = "M",
            description = "Safety cap: stop after this many minutes even before --steps (default: ${DEFAULT-VALUE}).")
    double maxMinutes = DEFAULTS.maxMinutes();

    @Option(
            names = "--train-scenes",
            paramLabel = "N",
            description =
                    "The fixed labelled training set: N synthetic train scenes of --seed, visited epoch by epoch; "
                            + "0 = a fresh scene for every sample (default: ${DEFAULT-VALUE}).")
    int trainScenes = DEFAULTS.trainScenes();

    @Option(
            names = "--validate-every",
            paramLabel = "N",
            description =
                    "Validate every N steps and keep the best checkpoint; 0 = keep the last (default: ${DEFAULT-VALUE}).")
    int validateEvery = DEFAULTS.validateEvery();

    @Option(
            names = "--validation-images",
            paramLabel = "N",
            description =
                    "Size of the validation split (training distribution, never trained on; default: ${DEFAULT-VALUE}).")
    int validationImages = DEFAULTS.validationImages();

    @Option(
            names = "--ema-decay",
            paramLabel = "D",
            description = "Validate and keep an exponential moving average of the weights, decay D in (0, 1) (0.995 "
                    + "weighs about the last 200 steps); 0 = the weights as trained (default: ${DEFAULT-VALUE}).")
    float emaDecay = DEFAULTS.emaDecay();

    @Option(
            names = "--shift",
            paramLabel = "PX",
            description = "Translation augmentation: move each training scene by up to PX pixels in x and y (its boxes "
                    + "with it), as far as no counted person leaves the frame; 0 = none (default: ${DEFAULT-VALUE}).")
    int shift = DEFAULTS.shiftPixels();

    @Option(names = "--plot", paramLabel = "PNG", description = "Loss curve (default: next to --out).")
    Path plot;

    @Option(
            names = "--if-missing",
            description = "Do nothing when --out already exists (for deployments that run SFT once).")
    boolean ifMissing;

    @Override
    public Integer call() throws Exception {
        FileArguments.requireFile(
                "--init",
                init,
                "pass a checkpoint written by 'dipr1 sft --out FILE', or leave --init out to start fresh");
        if (ifMissing && java.nio.file.Files.exists(out)) {
            System.out.println("SFT: " + out + " exists; nothing to do (--if-missing)");
            return 0;
        }
        SftSettings s = settings();
        SftTrainer.Result r = train(init, s, DjlEnvironment.oneThreadPerWorker(), out);
        List<Double> losses = r.losses();
        Path png = plot != null ? plot : out.resolveSibling(out.getFileName() + ".loss.png");
        Charts.lines(png, "SFT loss", "step", "loss (nats/token)", Map.of("loss", losses));
        if (!r.validations().isEmpty()) {
            Charts.lines(
                    png.resolveSibling(png.getFileName().toString().replace(".loss.png", "") + ".validation.png"),
                    "SFT validation F1@0.5",
                    "validation",
                    "F1",
                    Map.of(
                            "F1",
                            r.validations().stream()
                                    .map(SftTrainer.Validation::f1)
                                    .toList()));
        }
        System.out.printf(
                "SFT: %d steps, final loss %.4f; kept the weights of step %d; checkpoint %s, loss curve %s%n",
                losses.size(), losses.get(losses.size() - 1), r.keptStep(), out, png);
        return 0;
    }

    /** The options as settings; each option not given keeps its value from {@link SftSettings#defaults()}. */
    SftSettings settings() {
        return new SftSettings(
                steps,
                batch,
                lr,
                warmup,
                seed,
                maxMinutes,
                trainScenes,
                validateEvery,
                validationImages,
                emaDecay,
                shift);
    }

    static SftTrainer.Result train(Path init, SftSettings s, int replicas, Path out) throws Exception {
        try (Policy policy = init != null ? Policy.load(init) : Policy.initialise(PolicyConfig.defaults(), s.seed());
                ProgressBar bar = Progress.bar("SFT", s.steps(), "steps")) {
            SftTrainer.Result r = SftTrainer.train(policy, s, replicas, (step, loss, elapsed) -> {
                bar.stepTo(step + 1);
                bar.setExtraMessage(String.format(" loss %.3f", loss));
            });
            policy.save(out);
            return r;
        }
    }
}
