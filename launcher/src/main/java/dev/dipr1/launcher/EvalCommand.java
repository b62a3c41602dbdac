package dev.dipr1.launcher;

import dev.dipr1.demo.HeldOutSplits;
import dev.dipr1.policy.BestOfSamples;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.EvalResult;
import dev.dipr1.policy.Evaluation;
import dev.dipr1.policy.Evaluator;
import dev.dipr1.policy.PairedBootstrap;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SamplingSettings;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Greedy evaluation of a checkpoint, on a held-out test split or on a run's own training scenes. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate a checkpoint with greedy decoding: format rate, precision, recall, F1 at IoU 0.5, "
                    + "mean IoU of matches, count MAE, AP50 and AP@[.5:.95] (boxes ranked by the policy's own confidence).",
            "--split train --seed S reads the training scenes of seed S from index --from: a run with --train-scenes N "
                    + "learned from 0 .. N-1, so --from 0 shows what it memorised and --from N the same distribution unseen.",
            "--against FILE evaluates a second checkpoint on the same images and prints the F1 change from it to "
                    + "--checkpoint with a paired-bootstrap 95%% interval over the images (fixed resampling seed).",
            "--samples G also draws G samples of every image at --temperature and prints what one sample scores and "
                    + "what the best of the G scores (per image, chosen by its own F1@0.5, an oracle): how far "
                    + "reweighting its own samples, as GRPO does, could move the greedy answer. With --against: the "
                    + "same of both checkpoints, and the changes of one sample's F1 and of the best of G's."
        })
final class EvalCommand implements Callable<Integer> {

    /** Image {@code i}'s samples are seeded {@code SAMPLE_SEED + i}: the same checkpoint, the same draws. */
    static final long SAMPLE_SEED = 0L;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE")
    Path checkpoint;

    @Option(
            names = "--split",
            required = true,
            paramLabel = "in-domain|ood|train",
            converter = DatasetCommand.SplitConverter.class)
    Split split;

    @Option(names = "--seed", paramLabel = "S", description = "With --split train: the seed of the training run.")
    Long seed;

    @Option(
            names = "--from",
            paramLabel = "INDEX",
            defaultValue = "0",
            description = "With --split train: the first scene (default: ${DEFAULT-VALUE}).")
    int from;

    @Option(names = "--images", defaultValue = "200", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--against",
            paramLabel = "FILE",
            description = "A checkpoint to compare with on the same images: F1 change from it to --checkpoint.")
    Path against;

    @Option(
            names = "--samples",
            paramLabel = "G",
            description = "Also draw G samples of every image (1..64; e.g. the demo's G = 8) and report one sample's "
                    + "F1@0.5 and the best of G's against the greedy answer.")
    Integer samples;

    @Option(
            names = "--temperature",
            paramLabel = "T",
            defaultValue = "0.7",
            description = "With --samples: the sampling temperature (default: ${DEFAULT-VALUE}, the generators').")
    float temperature;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        FileArguments.requireFile("--checkpoint", checkpoint, FileArguments.CHECKPOINT_HINT);
        FileArguments.requireFile("--against", against, FileArguments.CHECKPOINT_HINT);
        if (split == Split.TRAIN && seed == null) {
            throw new IllegalArgumentException("--split train needs --seed S, the seed of the run whose training "
                    + "scenes to read (a run with --train-scenes N learned from scenes 0 .. N-1 of its seed)");
        }
        if (split != Split.TRAIN && (seed != null || from != 0)) {
            throw new IllegalArgumentException(
                    "--seed and --from apply to --split train only: the held-out splits are fixed (seed "
                            + HeldOutSplits.SEED + ", scenes 0 ..)");
        }
        if (from < 0) {
            throw new IllegalArgumentException("--from must be 0 or more, was " + from);
        }
        if (images < 1) {
            throw new IllegalArgumentException("--images must be at least 1, was " + images);
        }
        if (samples != null) {
            return sampled();
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--temperature")) {
            throw new IllegalArgumentException(
                    "--temperature applies with --samples G only: greedy decoding has no temperature");
        }
        List<Scene> scenes = scenes();
        Evaluation e = evaluate(checkpoint, scenes);
        Evaluation base = against != null ? evaluate(against, scenes) : null;
        PrintWriter out = spec.commandLine().getOut();
        if (base == null) {
            out.println(json ? e.result().toJson() : line(e.result()));
        } else if (json) {
            out.println(comparisonJson(e, base));
        } else {
            PairedBootstrap.Delta d = PairedBootstrap.f1Delta(base, e);
            out.println(checkpoint + ": " + line(e.result()));
            out.println(against + ": " + line(base.result()));
            out.printf(
                    Locale.ROOT,
                    "F1@0.5 change from %s to %s: %+.4f [%+.4f, %+.4f] (paired bootstrap over the %d images, %d "
                            + "resamples, seed %d)%n",
                    against,
                    checkpoint,
                    d.delta(),
                    d.ciLow(),
                    d.ciHigh(),
                    images,
                    PairedBootstrap.DEFAULT_RESAMPLES,
                    PairedBootstrap.DEFAULT_SEED);
        }
        out.flush();
        return 0;
    }

    /** Greedy evaluation of one checkpoint on {@code scenes}, with the per-image records. */
    private Evaluation evaluate(Path file, List<Scene> scenes) throws java.io.IOException {
        try (Policy policy = Policy.load(file)) {
            return Evaluator.evaluate(policy, scenes, split.label(), DjlEnvironment.oneThreadPerWorker());
        }
    }

    private List<Scene> scenes() {
        return split == Split.TRAIN
                ? SyntheticScenes.generate(Split.TRAIN, seed, from, images)
                : HeldOutSplits.scenes(split, images);
    }

    /** One checkpoint's greedy answers, its {@link #samples} draws, and the best of them per image. */
    private record Sampled(Path file, Evaluation greedy, List<Evaluation> draws, Evaluation best) {

        PairedBootstrap.Delta bestVsGreedy() {
            return PairedBootstrap.f1Delta(greedy, best);
        }

        String json(float temperature) {
            PairedBootstrap.Delta gap = bestVsGreedy();
            return String.format(
                    Locale.ROOT,
                    "{\"greedy\":%s,\"samples\":{\"g\":%d,\"temperature\":%s,\"seed\":%d,\"mean_f1\":%s,"
                            + "\"best_of\":%s,\"best_of_vs_greedy\":{\"delta\":%s,\"ci_low\":%s,\"ci_high\":%s}}}",
                    greedy.result().toJson(),
                    draws.size(),
                    temperature,
                    SAMPLE_SEED,
                    BestOfSamples.meanF1(draws),
                    best.result().toJson(),
                    gap.delta(),
                    gap.ciLow(),
                    gap.ciHigh());
        }

        void print(PrintWriter out, float temperature) {
            PairedBootstrap.Delta gap = bestVsGreedy();
            out.println(file + " greedy: " + line(greedy.result()));
            out.printf(
                    Locale.ROOT,
                    "one sample at temperature %.2f: F1@0.5 %.3f (mean of %d draws, seed %d)%n",
                    temperature,
                    BestOfSamples.meanF1(draws),
                    draws.size(),
                    SAMPLE_SEED);
            out.println("best of " + draws.size() + " (per image, by its own F1@0.5): " + line(best.result()));
            out.printf(
                    Locale.ROOT,
                    "F1@0.5 change from greedy to the best of %d: %+.4f [%+.4f, %+.4f] (paired bootstrap over the %d "
                            + "images, %d resamples, seed %d)%n",
                    draws.size(),
                    gap.delta(),
                    gap.ciLow(),
                    gap.ciHigh(),
                    greedy.images().size(),
                    PairedBootstrap.DEFAULT_RESAMPLES,
                    PairedBootstrap.DEFAULT_SEED);
        }
    }

    /**
     * Greedy and {@link #samples} sampled answers of {@link #checkpoint}: one sample, the best of G, the gap; with
     * {@link #against}, the same of it and the changes from it.
     */
    private int sampled() throws java.io.IOException {
        if (samples < 1 || samples > Sampler.GREEDY_CHUNK) {
            throw new IllegalArgumentException("--samples must be between 1 and " + Sampler.GREEDY_CHUNK
                    + " (e.g. 8, the demo's G), was " + samples);
        }
        if (!SamplingSettings.isTemperature(temperature)) {
            throw new IllegalArgumentException("--temperature must be in (0, " + SamplingSettings.MAX_TEMPERATURE
                    + "] (e.g. 0.7, the generators'), was " + temperature);
        }
        List<Scene> scenes = scenes();
        Sampled mine = sample(checkpoint, scenes);
        Sampled base = against != null ? sample(against, scenes) : null;
        PrintWriter out = spec.commandLine().getOut();
        if (base == null && json) {
            out.println(mine.json(temperature));
        } else if (base == null) {
            mine.print(out, temperature);
        } else {
            PairedBootstrap.Delta best = PairedBootstrap.f1Delta(base.best(), mine.best());
            double oneSample = BestOfSamples.meanF1(mine.draws()) - BestOfSamples.meanF1(base.draws());
            if (json) {
                out.println(String.format(
                        Locale.ROOT,
                        "{\"checkpoint\":%s,\"against\":%s,\"best_of_f1_delta\":{\"delta\":%s,\"ci_low\":%s,"
                                + "\"ci_high\":%s},\"one_sample_f1_delta\":%s}",
                        mine.json(temperature),
                        base.json(temperature),
                        best.delta(),
                        best.ciLow(),
                        best.ciHigh(),
                        oneSample));
            } else {
                mine.print(out, temperature);
                base.print(out, temperature);
                out.printf(
                        Locale.ROOT,
                        "best of %d: F1@0.5 change from %s to %s: %+.4f [%+.4f, %+.4f] (paired bootstrap over the %d "
                                + "images)%n",
                        samples,
                        against,
                        checkpoint,
                        best.delta(),
                        best.ciLow(),
                        best.ciHigh(),
                        images);
                out.printf(
                        Locale.ROOT,
                        "one sample: F1@0.5 change from %s to %s: %+.4f (means of %d draws each, same seeds)%n",
                        against,
                        checkpoint,
                        oneSample,
                        samples);
            }
        }
        out.flush();
        return 0;
    }

    private Sampled sample(Path file, List<Scene> scenes) throws java.io.IOException {
        int workers = DjlEnvironment.oneThreadPerWorker();
        try (Policy policy = Policy.load(file)) {
            Evaluation greedy = Evaluator.evaluate(policy, scenes, split.label(), workers);
            List<Evaluation> draws = Evaluator.evaluateSamples(
                    policy, scenes, split.label(), samples, temperature, SAMPLE_SEED, workers);
            return new Sampled(file, greedy, draws, BestOfSamples.pick(draws));
        }
    }

    /** Both evaluations and the F1 change from {@code against} to {@code checkpoint}, as one JSON object. */
    static String comparisonJson(Evaluation checkpoint, Evaluation against) {
        PairedBootstrap.Delta d = PairedBootstrap.f1Delta(against, checkpoint);
        return String.format(
                Locale.ROOT,
                "{\"checkpoint\":%s,\"against\":%s,\"f1_delta\":{\"delta\":%s,\"ci_low\":%s,\"ci_high\":%s}}",
                checkpoint.result().toJson(),
                against.result().toJson(),
                d.delta(),
                d.ciLow(),
                d.ciHigh());
    }

    private static String line(EvalResult r) {
        return String.format(
                Locale.ROOT,
                "%s (%d images): format %.3f  precision %.3f  recall %.3f  F1@0.5 %.3f  mean IoU %.3f  "
                        + "count MAE %.2f  AP50 %.3f  AP %.3f",
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
}
