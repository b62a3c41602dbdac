package dev.dipr1.policy;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.CompletionParser;
import dev.dipr1.rewards.MatchResult;
import dev.dipr1.rewards.Matching;
import dev.dipr1.rewards.ParsedCompletion;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Greedy evaluation of a policy on scenes: parses each completion with the reward stream's
 * {@link CompletionParser} and matches the answer boxes to the ground truth with
 * {@link Matching#match} at IoU 0.5, counting matches ({@code soft = false}). Predictions that
 * match no ground-truth box with IoU ≥ 0.5 and lie at least half inside an ignore region are
 * dropped first, as in rewards.md §3. The answer block is read even when the format is invalid.
 * Each answer box carries the policy's confidence ({@link BoxConfidence}), which ranks it for
 * {@link AveragePrecision}.
 *
 * <p>The result keeps one {@link ImageScore} per image, in scene order, and the summary metrics
 * are computed from those records alone ({@link EvalResult#of}).
 */
public final class Evaluator {

    public static final double IOU_THRESHOLD = 0.5;
    public static final double IGNORE_FRACTION = 0.5;

    /**
     * Decoding threads kept for the life of the JVM: a thread that has run libtorch leaves native memory behind when
     * it ends, and a new thread per evaluation grew a JVM by ~300 MB per call (measured, 6 calls of 1,000 images).
     */
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1), Workers.daemonThreads("eval-worker"));

    private Evaluator() {}

    /** Greedy-decodes every scene and scores the completions, box confidences from the policy's log-probs. */
    public static Evaluation evaluate(Policy policy, List<Scene> scenes, String splitLabel) {
        return evaluate(policy, scenes, splitLabel, 1);
    }

    /**
     * As {@link #evaluate(Policy, List, String)}, decoding on {@code workers} threads, each with its own copy of the
     * policy, taking {@link Sampler#GREEDY_CHUNK}-image chunks in turn. Each chunk is decoded on its own either way,
     * so the result is the same as on one thread; with libtorch at one thread per worker it takes about 1/workers
     * of the time (greedy decoding at batch 64 gains nothing from a second intra-op thread: 7.4 s against 7.2 s).
     */
    public static Evaluation evaluate(Policy policy, List<Scene> scenes, String splitLabel, int workers) {
        List<SampledCompletion> completions = greedyCompletions(policy, images(policy, scenes), workers);
        return score(scenes, completions, policy.tokenizer(), splitLabel);
    }

    /**
     * {@code g} samples of every scene at {@code temperature} (top-p 1), scored as {@code g} evaluations: draw
     * {@code k} holds the k-th sample of each scene. Scene {@code i}'s samples are drawn from their own stream seeded
     * {@code seed + i}, so they do not depend on the number of workers. Box confidences are the samples' own
     * log-probs.
     */
    public static List<Evaluation> evaluateSamples(
            Policy policy, List<Scene> scenes, String splitLabel, int g, float temperature, long seed, int workers) {
        List<SampledCompletion> rows =
                sampledCompletions(policy, images(policy, scenes), g, temperature, seed, workers);
        List<Evaluation> draws = new ArrayList<>(g);
        for (int k = 0; k < g; k++) {
            List<SampledCompletion> draw = new ArrayList<>(scenes.size());
            for (int i = 0; i < scenes.size(); i++) {
                draw.add(rows.get(i * g + k));
            }
            draws.add(score(scenes, draw, policy.tokenizer(), splitLabel));
        }
        return draws;
    }

    /** {@code g} samples of every image, image after image, image {@code i}'s from seed {@code seed + i}. */
    static List<SampledCompletion> sampledCompletions(
            Policy policy, List<float[]> images, int g, float temperature, long seed, int workers) {
        if (g < 1 || g > Sampler.GREEDY_CHUNK) {
            throw new IllegalArgumentException(
                    "samples per image must be in [1, " + Sampler.GREEDY_CHUNK + "], was " + g);
        }
        if (!SamplingSettings.isTemperature(temperature)) {
            throw new IllegalArgumentException(
                    "temperature must be in (0, " + SamplingSettings.MAX_TEMPERATURE + "], was " + temperature);
        }
        return inChunks(policy, images, workers, Sampler.GREEDY_CHUNK / g, (sampler, model, from, chunk) -> {
            List<SamplingSettings> perImage = new ArrayList<>(chunk.size());
            for (int p = 0; p < chunk.size(); p++) {
                perImage.add(
                        new SamplingSettings(temperature, 1f, SamplingSettings.DEFAULT_MAX_TOKENS, seed + from + p));
            }
            List<SampledCompletion> flat = new ArrayList<>(chunk.size() * g);
            sampler.sampleGroups(model, chunk, g, perImage).forEach(flat::addAll);
            return flat;
        });
    }

    private static List<float[]> images(Policy policy, List<Scene> scenes) {
        List<float[]> images = new ArrayList<>(scenes.size());
        for (Scene s : scenes) {
            if (s.width() != policy.config().imageSize()
                    || s.height() != policy.config().imageSize()) {
                throw new IllegalArgumentException("scene " + s.id() + " is " + s.width() + "×" + s.height()
                        + " but the policy reads " + policy.config().imageSize() + "×"
                        + policy.config().imageSize());
            }
            images.add(s.pixelsChw());
        }
        return images;
    }

    /** The greedy completions of {@code images} in order, decoded on up to {@code workers} threads. */
    static List<SampledCompletion> greedyCompletions(Policy policy, List<float[]> images, int workers) {
        return inChunks(
                policy,
                images,
                workers,
                Sampler.GREEDY_CHUNK,
                (sampler, model, from, chunk) -> sampler.greedyCompletions(model, chunk));
    }

    /** Decodes one chunk of images, the first of them image {@code from}; returns its rows in image order. */
    @FunctionalInterface
    private interface ChunkDecoder {
        List<SampledCompletion> decode(Sampler sampler, Policy model, int from, List<float[]> chunk);
    }

    /** The rows of every chunk of {@code chunkSize} images, in order, decoded on up to {@code workers} threads. */
    private static List<SampledCompletion> inChunks(
            Policy policy, List<float[]> images, int workers, int chunkSize, ChunkDecoder decoder) {
        int chunks = (images.size() + chunkSize - 1) / chunkSize;
        int n = Math.min(Math.max(1, workers), chunks);
        AtomicReferenceArray<List<SampledCompletion>> done = new AtomicReferenceArray<>(chunks);
        AtomicInteger next = new AtomicInteger();
        List<Policy> copies = new ArrayList<>();
        try {
            List<Future<Void>> others = new ArrayList<>();
            for (int w = 1; w < n; w++) {
                Policy copy = policy.copy();
                copies.add(copy);
                others.add(WORKERS.submit(() -> decodeChunks(copy, images, chunkSize, decoder, next, done)));
            }
            Workers.runBeside(
                    () -> decodeChunks(policy, images, chunkSize, decoder, next, done), others, "an evaluation worker");
        } finally {
            copies.forEach(Policy::close);
        }
        List<SampledCompletion> out = new ArrayList<>(images.size());
        for (int c = 0; c < chunks; c++) {
            out.addAll(done.get(c));
        }
        return out;
    }

    /** Decodes chunk after chunk ({@code next} hands them out) until none is left. */
    private static Void decodeChunks(
            Policy model,
            List<float[]> images,
            int chunkSize,
            ChunkDecoder decoder,
            AtomicInteger next,
            AtomicReferenceArray<List<SampledCompletion>> done) {
        Sampler sampler = new Sampler();
        for (int c = next.getAndIncrement(); c < done.length(); c = next.getAndIncrement()) {
            int from = c * chunkSize;
            done.set(
                    c,
                    decoder.decode(
                            sampler, model, from, images.subList(from, Math.min(images.size(), from + chunkSize))));
        }
        return null;
    }

    /** The evaluation of given completions (one per scene, in order), box confidences from their log-probs. */
    public static Evaluation score(
            List<Scene> scenes, List<SampledCompletion> completions, Tokenizer tokenizer, String splitLabel) {
        requireOnePerScene(scenes, completions);
        List<ImageScore> out = new ArrayList<>(scenes.size());
        for (int i = 0; i < scenes.size(); i++) {
            Scene scene = scenes.get(i);
            SampledCompletion c = completions.get(i);
            ParsedCompletion parsed = CompletionParser.parse(c.text(), scene.width(), scene.height());
            double[] confidence = BoxConfidence.of(c, tokenizer, scene.width(), scene.height(), parsed.answerBoxes());
            out.add(scoreImage(scene, parsed, confidence));
        }
        return Evaluation.of(splitLabel, out);
    }

    /**
     * The evaluation of given texts (one per scene, in order). Texts carry no confidences: every
     * box gets confidence 1, so AP ranks boxes in image then written order.
     */
    public static Evaluation score(List<Scene> scenes, List<String> texts, String splitLabel) {
        requireOnePerScene(scenes, texts);
        List<ImageScore> out = new ArrayList<>(scenes.size());
        for (int i = 0; i < scenes.size(); i++) {
            Scene scene = scenes.get(i);
            ParsedCompletion parsed = CompletionParser.parse(texts.get(i), scene.width(), scene.height());
            double[] confidence = new double[parsed.answerBoxes().size()];
            Arrays.fill(confidence, 1.0);
            out.add(scoreImage(scene, parsed, confidence));
        }
        return Evaluation.of(splitLabel, out);
    }

    /** One image: drops ignored predictions, matches the rest at IoU 0.5; {@code confidence} per answer box. */
    static ImageScore scoreImage(Scene scene, ParsedCompletion parsed, double[] confidence) {
        List<Box> gt = boxes(scene.boxes());
        List<Box> ignore = boxes(scene.ignoreRegions());
        List<Box> answer = parsed.answerBoxes();
        boolean[] ignored = new boolean[answer.size()];
        List<Box> preds = new ArrayList<>();
        for (int k = 0; k < answer.size(); k++) {
            ignored[k] = ignored(answer.get(k), gt, ignore);
            if (!ignored[k]) {
                preds.add(answer.get(k));
            }
        }
        MatchResult m = Matching.match(preds, gt, IOU_THRESHOLD, false);
        List<ScoredBox> scored = new ArrayList<>(answer.size());
        int pred = 0;
        for (int k = 0; k < answer.size(); k++) {
            Box b = answer.get(k);
            int truth = ignored[k] ? -1 : m.predToGt()[pred++];
            double iou = truth >= 0 ? Box.iou(b, gt.get(truth)) : 0;
            scored.add(new ScoredBox(b, confidence[k], ignored[k], truth, iou));
        }
        return new ImageScore(parsed.wellFormed(), scored, gt, ignore);
    }

    private static void requireOnePerScene(List<Scene> scenes, List<?> completions) {
        if (completions.size() != scenes.size()) {
            throw new IllegalArgumentException(
                    completions.size() + " completions for " + scenes.size() + " scenes: need one per scene");
        }
    }

    private static boolean ignored(Box p, List<Box> gt, List<Box> ignore) {
        for (Box g : gt) {
            if (Box.iou(p, g) >= IOU_THRESHOLD) {
                return false;
            }
        }
        double area = p.area();
        if (area <= 0) {
            return false;
        }
        for (Box i : ignore) {
            if (Box.intersectionArea(p, i) / area >= IGNORE_FRACTION) {
                return true;
            }
        }
        return false;
    }

    private static List<Box> boxes(List<PixelBox> boxes) {
        List<Box> out = new ArrayList<>(boxes.size());
        for (PixelBox b : boxes) {
            out.add(new Box(b.x1(), b.y1(), b.x2(), b.y2()));
        }
        return out;
    }
}
