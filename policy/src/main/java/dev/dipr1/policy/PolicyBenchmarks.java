package dev.dipr1.policy;

import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speed measurements (not tests): decoding throughput with and without the KV cache, and the SFT
 * step time. Each figure is the best of several repetitions after warm-up, which is the fairest
 * number on a machine shared with other work. Run {@link #main} for a report.
 */
public final class PolicyBenchmarks {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyBenchmarks.class);
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    /** Tokens per second of one call, and the tokens it produced. */
    public record DecodeSpeed(double tokensPerSecond, long tokens, double millis) {}

    private PolicyBenchmarks() {}

    /**
     * Best-of-{@code reps} decoding speed for {@code g} samples of one image, full-length
     * completions ({@code maxTokens} tokens each: {@code <eos>} does not stop a row), including
     * image encoding.
     */
    public static DecodeSpeed decodeSpeed(
            Policy policy, float[] image, int g, int maxTokens, boolean cached, int reps) {
        Sampler sampler = new Sampler();
        DecodeSpeed best = null;
        for (int r = 0; r < reps + 1; r++) {
            SamplingSettings s = SamplingSettings.defaults(1000 + r).withMaxTokens(maxTokens);
            long t0 = System.nanoTime();
            List<SampledCompletion> out = sampler.sample(policy, image, g, s, cached, false);
            double ms = (System.nanoTime() - t0) / 1e6;
            long tokens = out.stream().mapToLong(c -> c.tokenIds().length).sum();
            DecodeSpeed d = new DecodeSpeed(tokens / (ms / 1000), tokens, ms);
            if (r > 0 && (best == null || d.tokensPerSecond() > best.tokensPerSecond())) {
                best = d;
            }
        }
        return best;
    }

    /**
     * Generation speed at one number of prompts per decoding batch.
     *
     * @param samplesPerCpuSecond samples per second of this thread's CPU time: with one libtorch
     *     thread every operation runs on the calling thread, so this is what one free core would
     *     give, and it hardly depends on what else the machine is doing
     */
    public record GroupSpeed(
            int promptsPerBatch,
            double samplesPerSecond,
            double tokensPerSecond,
            double seconds,
            double samplesPerCpuSecond) {}

    /**
     * Best-of-{@code reps} speed (by CPU time, after one warm-up pass) of sampling {@code g} completions of every
     * image in {@code images}, {@code promptsPerBatch} images per decoding batch, as the generator
     * does: completions stop at {@code <eos>}, so a batch lasts as long as its longest row.
     */
    public static GroupSpeed groupSpeed(
            Policy policy, List<float[]> images, int g, int promptsPerBatch, float temperature, int reps) {
        Sampler sampler = new Sampler();
        GroupSpeed best = null;
        for (int r = 0; r < reps + 1; r++) {
            long tokens = 0;
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int from = 0; from < images.size(); from += promptsPerBatch) {
                List<float[]> batch = images.subList(from, Math.min(images.size(), from + promptsPerBatch));
                List<SamplingSettings> settings = new java.util.ArrayList<>();
                for (int p = 0; p < batch.size(); p++) {
                    settings.add(new SamplingSettings(
                            temperature, 1f, SamplingSettings.DEFAULT_MAX_TOKENS, 1000L * r + from + p));
                }
                for (List<SampledCompletion> group : sampler.sampleGroups(policy, batch, g, settings)) {
                    tokens += group.stream().mapToLong(c -> c.tokenIds().length).sum();
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
            GroupSpeed speed =
                    new GroupSpeed(promptsPerBatch, images.size() * g / s, tokens / s, s, images.size() * g / cpu);
            if (r > 0 && (best == null || speed.samplesPerCpuSecond() > best.samplesPerCpuSecond())) {
                best = speed;
            }
        }
        return best;
    }

    /** Milliseconds of one learner pass, best of the repetitions, by wall clock and by the thread's CPU time. */
    public record LearnerPass(boolean sharedImages, int rows, double millis, double cpuMillis) {}

    /**
     * The arithmetic of one GRPO learner step on {@code g} sampled completions of each image (temperature
     * {@code temperature}, as the generator samples them): the policy's log-probs with gradients and their backward
     * pass, then the reference policy's log-probs (here the same weights). {@code sharedImages} encodes each image once
     * for its G completions, as the learner does; otherwise every completion gets its own copy, as it did before.
     */
    public static LearnerPass learnerPass(
            Policy policy, List<float[]> images, int g, float temperature, boolean sharedImages, int reps) {
        List<SamplingSettings> settings = new java.util.ArrayList<>();
        for (int p = 0; p < images.size(); p++) {
            settings.add(new SamplingSettings(temperature, 1f, SamplingSettings.DEFAULT_MAX_TOKENS, 77L + p));
        }
        List<List<SampledCompletion>> groups = new Sampler().sampleGroups(policy, images, g, settings);
        int rows = images.size() * g;
        int[][] tokens = new int[rows][];
        int[] imageOfRow = new int[rows];
        float[][] copies = new float[rows][];
        for (int r = 0; r < rows; r++) {
            tokens[r] = groups.get(r / g).get(r % g).tokenIds();
            imageOfRow[r] = r / g;
            copies[r] = images.get(r / g);
        }
        float[][] distinct = images.toArray(new float[0][]);
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        for (int r = 0; r < reps + 1; r++) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                    ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
                scope.suppressNotUsedWarning();
                try (ai.djl.training.GradientCollector gc =
                        ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                    gc.backward(logProbs(policy, m, sharedImages, distinct, copies, imageOfRow, tokens, temperature)
                            .sum());
                }
                logProbs(policy, m, sharedImages, distinct, copies, imageOfRow, tokens, temperature)
                        .toFloatArray();
            }
            if (r > 0) {
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
                bestCpu = Math.min(bestCpu, (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6);
            }
        }
        return new LearnerPass(sharedImages, rows, best, bestCpu);
    }

    private static ai.djl.ndarray.NDArray logProbs(
            Policy policy,
            ai.djl.ndarray.NDManager m,
            boolean sharedImages,
            float[][] distinct,
            float[][] copies,
            int[] imageOfRow,
            int[][] tokens,
            float temperature) {
        return sharedImages
                ? policy.tokenLogProbs(m, distinct, imageOfRow, tokens, temperature)
                : policy.tokenLogProbs(m, copies, tokens, temperature);
    }

    /** Best-of-{@code reps} milliseconds of one SFT step (forward, backward, AdamW) on a fixed batch. */
    public static double sftStepMillis(Policy policy, int batchSize, int reps) {
        SftSettings s = new SftSettings(10, batchSize, 1e-4f, 1, 7L, 0);
        SftTrainer.Batch batch = SftTrainer.makeBatch(policy.tokenizer(), s, 0);
        double best = Double.MAX_VALUE;
        try (AdamW opt = AdamW.defaults()) {
            for (int r = 0; r < reps + 2; r++) {
                long t0 = System.nanoTime();
                SftTrainer.step(policy, opt, batch, () -> s.lr());
                double ms = (System.nanoTime() - t0) / 1e6;
                if (r >= 2) {
                    best = Math.min(best, ms);
                }
            }
        }
        return best;
    }

    /** Prints parameter count, SFT step time at batch 32 and decoding speed at G = 8. */
    public static void main(String[] args) {
        DjlEnvironment.init();
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (Policy policy = Policy.initialise(PolicyConfig.defaults(), 1)) {
            Scene scene = SyntheticScenes.generate(Split.IN_DOMAIN, 1L, 0);
            int maxTokens = policy.config().maxSeqLen() - policy.tokenizer().promptIds().length + 1;
            double step = sftStepMillis(policy, 32, reps);
            DecodeSpeed cached = decodeSpeed(policy, scene.pixelsChw(), 8, maxTokens, true, reps);
            DecodeSpeed uncached = decodeSpeed(policy, scene.pixelsChw(), 8, maxTokens, false, reps);
            String report = String.format(
                    Locale.ROOT,
                    "params=%d sft_step_ms=%.1f (batch 32) decode_cached_tok_s=%.0f (%d tokens, %.0f ms) "
                            + "decode_uncached_tok_s=%.0f (%d tokens, %.0f ms) speedup=%.2f",
                    policy.parameterCount(),
                    step,
                    cached.tokensPerSecond(),
                    cached.tokens(),
                    cached.millis(),
                    uncached.tokensPerSecond(),
                    uncached.tokens(),
                    uncached.millis(),
                    cached.tokensPerSecond() / uncached.tokensPerSecond());
            LOG.info(report);
            System.out.println(report);
        }
    }
}
