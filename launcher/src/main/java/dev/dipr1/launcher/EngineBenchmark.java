package dev.dipr1.launcher;

import dev.dipr1.generator.Engines;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.generator.PromptFeeder;
import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.generator.engine.GenerationEngine;
import dev.dipr1.generator.engine.GroupOutcome;
import dev.dipr1.policy.Policy;
import dev.dipr1.scenes.ImageResizer;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.server.PolicyServer;
import dev.dipr1.server.ServerSettings;
import dev.dipr1.topics.PolicyUpdates;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples/s of the two engines on the same work: the in-process policy, and the HTTP engine against
 * an in-process {@code dipr1 serve} ({@link PolicyServer} on a free port, decoding up to P requests
 * per batch) with the same checkpoint, G, token budget, temperature, prompts and seeds, P prompts
 * per batch on both sides. Passes alternate between the engines, in turn first, so that a machine
 * shared with other work slows both alike; each engine's best pass is kept, and the median of the
 * ratios of adjacent passes (robust to the load changing between pairs). Process CPU time is
 * counted per pass too: the HTTP path also spends it on PNG, JSON and the server's threads. Both
 * engines sample the same completions (same seeds), so they decode the same tokens.
 */
final class EngineBenchmark {

    /**
     * What was measured.
     *
     * @param inProcessSamplesPerSecond best pass of the in-process engine
     * @param httpSamplesPerSecond best pass of the HTTP engine
     * @param medianPairedRatio the median over the passes of HTTP samples/s over the adjacent
     *     in-process pass's
     * @param inProcessSamplesPerCpuSecond best pass, per second of this process's CPU time
     * @param httpSamplesPerCpuSecond best pass, per second of CPU time (client and server)
     * @param samples completions per pass
     * @param tokens completion tokens per pass
     * @param differingGroups groups whose completions differ between the engines (0 when the server
     *     batches exactly as the generator does)
     * @param failedGroups groups the HTTP engine gave up on (none expected)
     */
    record Result(
            double inProcessSamplesPerSecond,
            double httpSamplesPerSecond,
            double medianPairedRatio,
            double inProcessSamplesPerCpuSecond,
            double httpSamplesPerCpuSecond,
            long samples,
            long tokens,
            int differingGroups,
            int failedGroups) {

        double ratio() {
            return httpSamplesPerSecond / inProcessSamplesPerSecond;
        }
    }

    private EngineBenchmark() {}

    static Result run(
            Path checkpoint,
            int groups,
            int g,
            int maxTokens,
            float temperature,
            int promptsPerBatch,
            int reps,
            long seed)
            throws IOException {
        byte[] bytes = Files.readAllBytes(checkpoint);
        GeneratorSettings sampling = new GeneratorSettings("bench-engine", g, temperature, 1f, maxTokens, seed, 0)
                .withWeightsDir(null)
                .withPromptsPerBatch(promptsPerBatch);
        List<PromptTask> tasks = new ArrayList<>(groups);
        List<BufferedImage> images = new ArrayList<>(groups);
        try (Policy probe = Policy.fromBytes(bytes)) {
            int side = probe.config().imageSize();
            for (Scene s : SyntheticScenes.generate(Split.TRAIN, seed, 0, groups)) {
                tasks.add(PromptFeeder.promptTask(s, "synthetic", "train", 0, PngImages.encode(s.image()), 0));
                images.add(ImageResizer.toSquare(s.image(), side));
            }
        }
        ServerSettings serving = ServerSettings.defaults(0)
                .withBatching(
                        promptsPerBatch, ServerSettings.DEFAULT_MAX_QUEUE, ServerSettings.DEFAULT_BATCH_WAIT_MILLIS);
        try (GenerationEngine inProcess = Engines.of(Policy.fromBytes(bytes), sampling);
                PolicyServer server =
                        PolicyServer.start(serving, Policy.fromBytes(bytes), PolicyUpdates.sha256(bytes));
                GenerationEngine http = Engines.of(
                        Policy.fromBytes(bytes),
                        sampling.withEngine(new EngineSettings(
                                EngineSettings.Kind.OPENAI,
                                server.baseUri(),
                                EngineSettings.DEFAULT_MODEL,
                                EngineSettings.WeightsUpdate.NONE,
                                promptsPerBatch,
                                Duration.ofMinutes(5),
                                0)))) {
            Pass warmIn = pass(inProcess, tasks, images, promptsPerBatch);
            Pass warmHttp = pass(http, tasks, images, promptsPerBatch);
            int differing = 0;
            for (int i = 0; i < groups; i++) {
                if (!warmIn.tokens.get(i).equals(warmHttp.tokens.get(i))) {
                    differing++;
                }
            }
            double bestIn = 0;
            double bestHttp = 0;
            double bestInCpu = 0;
            double bestHttpCpu = 0;
            double[] ratios = new double[reps];
            for (int r = 0; r < reps; r++) {
                Pass in;
                Pass over;
                if (r % 2 == 0) {
                    in = pass(inProcess, tasks, images, promptsPerBatch);
                    over = pass(http, tasks, images, promptsPerBatch);
                } else {
                    over = pass(http, tasks, images, promptsPerBatch);
                    in = pass(inProcess, tasks, images, promptsPerBatch);
                }
                bestIn = Math.max(bestIn, in.samplesPerSecond(g));
                bestHttp = Math.max(bestHttp, over.samplesPerSecond(g));
                bestInCpu = Math.max(bestInCpu, in.samplesPerCpuSecond(g));
                bestHttpCpu = Math.max(bestHttpCpu, over.samplesPerCpuSecond(g));
                ratios[r] = over.samplesPerSecond(g) / in.samplesPerSecond(g);
            }
            java.util.Arrays.sort(ratios);
            double median = reps % 2 == 1 ? ratios[reps / 2] : (ratios[reps / 2 - 1] + ratios[reps / 2]) / 2;
            return new Result(
                    bestIn,
                    bestHttp,
                    median,
                    bestInCpu,
                    bestHttpCpu,
                    (long) groups * g,
                    warmIn.tokenCount,
                    differing,
                    warmHttp.failed);
        }
    }

    /** One pass: each group's completions (as token lists, for comparison), their tokens, the failures, the seconds. */
    private record Pass(List<List<String>> tokens, long tokenCount, int failed, double seconds, double cpuSeconds) {
        double samplesPerSecond(int g) {
            return tokens.size() * (double) g / seconds;
        }

        double samplesPerCpuSecond(int g) {
            return tokens.size() * (double) g / cpuSeconds;
        }
    }

    private static Pass pass(
            GenerationEngine engine, List<PromptTask> tasks, List<BufferedImage> images, int promptsPerBatch) {
        List<List<String>> tokens = new ArrayList<>(tasks.size());
        long tokenCount = 0;
        int failed = 0;
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        for (int from = 0; from < tasks.size(); from += promptsPerBatch) {
            int to = Math.min(tasks.size(), from + promptsPerBatch);
            for (GroupOutcome o : engine.generate(tasks.subList(from, to), images.subList(from, to))) {
                if (o instanceof GroupOutcome.Generated gen) {
                    tokenCount += gen.sampled().completions().stream()
                            .mapToLong(c -> c.tokenIds().length)
                            .sum();
                    tokens.add(gen.sampled().completions().stream()
                            .map(c -> java.util.Arrays.toString(c.tokenIds()))
                            .toList());
                } else {
                    tokens.add(List.of());
                    failed++;
                }
            }
        }
        return new Pass(tokens, tokenCount, failed, (System.nanoTime() - t0) / 1e9, (processCpuNanos() - cpu0) / 1e9);
    }

    /** CPU time of this whole process (every thread: the engines, the server, the garbage collector). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
