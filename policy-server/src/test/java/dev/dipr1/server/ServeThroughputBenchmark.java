package dev.dipr1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SamplingSettings;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.topics.PolicyUpdates;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Samples/s of {@code dipr1 serve} with N concurrent clients against in-process {@link
 * Sampler#sampleGroups} (P prompts per batch, as the generator decodes) on the same checkpoint, the
 * same images, G, token budget and seeds, in the same JVM (so the clients' JSON and base64 work is
 * counted too). Not run by the build (the name matches no test pattern); run it with
 *
 * <pre>
 * nice -n 15 ./mvnw -q -o -pl policy-server -am test -Dtest=ServeThroughputBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dbench.checkpoint=FILE [-Dbench.clients=1,8,16] \
 *     [-Dbench.images=32] [-Dbench.g=8] [-Dbench.reps=3]
 * </pre>
 *
 * and read {@code policy-server/target/surefire-reports/dev.dipr1.server.ServeThroughputBenchmark-output.txt}.
 * One libtorch thread (as {@code dipr1 bench sampling}) unless {@code ai.djl.pytorch.num_threads} is set.
 * Rounds alternate the two paths; of each, the best wall clock and the best per CPU-second of the
 * whole process are kept, each on its own (on a shared machine the wall clock of a round says as much
 * about the other jobs as about this one).
 */
class ServeThroughputBenchmark {

    private static final float TEMPERATURE = 0.7f;

    private record Speed(double samplesPerSecond, double samplesPerCpuSecond, double seconds, String note) {
        /** The best wall clock and the best per CPU-second of two rounds, each on its own (the machine is shared). */
        Speed better(Speed o) {
            if (o == null) {
                return this;
            }
            Speed wall = samplesPerSecond >= o.samplesPerSecond ? this : o;
            return new Speed(
                    wall.samplesPerSecond,
                    Math.max(samplesPerCpuSecond, o.samplesPerCpuSecond),
                    wall.seconds,
                    wall.note);
        }
    }

    @Test
    void servedVersusInProcess() throws Exception {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        DjlEnvironment.init();
        String ckpt = System.getProperty("bench.checkpoint");
        int images = Integer.getInteger("bench.images", 32);
        int g = Integer.getInteger("bench.g", 8);
        int reps = Integer.getInteger("bench.reps", 3);
        int p = ServerSettings.DEFAULT_MAX_BATCH_PROMPTS;
        List<Integer> clients = new ArrayList<>();
        for (String c : System.getProperty("bench.clients", "1,8,16").split(",")) {
            clients.add(Integer.parseInt(c.trim()));
        }
        byte[] bytes = ckpt == null
                ? Policy.initialise(PolicyConfig.defaults(), 1).toBytes()
                : Files.readAllBytes(Path.of(ckpt));
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 1L, 0, images);
        List<byte[]> pngs =
                scenes.stream().map(s -> PngImages.encode(s.image())).toList();
        List<float[]> pixels = scenes.stream().map(Scene::pixelsChw).toList();
        int maxTokens = SamplingSettings.DEFAULT_MAX_TOKENS;

        try (Policy reference = Policy.fromBytes(bytes);
                PolicyServer server = PolicyServer.start(
                        ServerSettings.defaults(0)
                                .withBatching(
                                        p,
                                        256,
                                        Integer.getInteger("bench.waitMs", ServerSettings.DEFAULT_BATCH_WAIT_MILLIS)),
                        Policy.fromBytes(bytes),
                        PolicyUpdates.sha256(bytes))) {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            Speed inProcess = null;
            Speed[] served = new Speed[clients.size()];
            for (int r = 0; r < reps + 1; r++) { // round 0 warms up
                Speed a = inProcess(reference, pixels, g, p, maxTokens, r);
                for (int c = 0; c < clients.size(); c++) {
                    Speed b = served(server, http, pngs, g, maxTokens, r, clients.get(c));
                    if (r > 0) {
                        served[c] = b.better(served[c]);
                    }
                }
                if (r > 0) {
                    inProcess = a.better(inProcess);
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "checkpoint %s, %d train images, G=%d, max_tokens=%d, T=%.1f, P=%d, libtorch threads %s, best of %d%n",
                    ckpt == null ? "(fresh default architecture)" : ckpt,
                    images,
                    g,
                    maxTokens,
                    TEMPERATURE,
                    p,
                    System.getProperty("ai.djl.pytorch.num_threads"),
                    reps);
            print("in-process sampleGroups", inProcess, inProcess);
            for (int c = 0; c < clients.size(); c++) {
                print("serve, " + clients.get(c) + " clients", served[c], inProcess);
            }
        }
    }

    private static void print(String what, Speed s, Speed base) {
        System.out.printf(
                Locale.ROOT,
                "%-26s %7.1f samples/s wall (%.2f of in-process)  %7.1f samples per CPU-second (%.2f)  %.2f s  %s%n",
                what,
                s.samplesPerSecond(),
                s.samplesPerSecond() / base.samplesPerSecond(),
                s.samplesPerCpuSecond(),
                s.samplesPerCpuSecond() / base.samplesPerCpuSecond(),
                s.seconds(),
                s.note());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU time of the server's decoder thread (with one libtorch thread, all of the sampling). */
    private static long decoderCpuNanos() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("serve-decoder")) {
                return ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
            }
        }
        throw new IllegalStateException("no serve-decoder thread");
    }

    private static long seed(int round, int image) {
        return 1000L * round + image;
    }

    private static Speed inProcess(Policy policy, List<float[]> pixels, int g, int p, int maxTokens, int round) {
        Sampler sampler = new Sampler();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        long samples = 0;
        for (int from = 0; from < pixels.size(); from += p) {
            List<float[]> batch = pixels.subList(from, Math.min(pixels.size(), from + p));
            List<SamplingSettings> settings = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                settings.add(new SamplingSettings(TEMPERATURE, 1f, maxTokens, seed(round, from + i)));
            }
            for (List<SampledCompletion> group : sampler.sampleGroups(policy, batch, g, settings)) {
                samples += group.size();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        return new Speed(samples / s, samples / cpu, s, "");
    }

    private static Speed served(
            PolicyServer server, HttpClient http, List<byte[]> pngs, int g, int maxTokens, int round, int clients)
            throws Exception {
        BatchingSampler.Stats before = server.sampler().stats();
        long decoderCpu0 = decoderCpuNanos();
        AtomicLong samples = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    // client c sends images c, c + clients, … one after the other, as an engine with that many in
                    // flight
                    for (int i = client; i < pngs.size(); i += clients) {
                        byte[] body = ChatBodies.bytes(
                                ChatBodies.body(pngs.get(i), g, TEMPERATURE, maxTokens, seed(round, i)));
                        HttpResponse<byte[]> r = http.send(
                                HttpRequest.newBuilder(URI.create(server.baseUri() + "/v1/chat/completions"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        assertEquals(
                                200, r.statusCode(), new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
                        JsonNode json = ChatBodies.JSON.readTree(r.body());
                        samples.addAndGet(json.get("choices").size());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9;
        BatchingSampler.Stats after = server.sampler().stats();
        double decoderCpu = (decoderCpuNanos() - decoderCpu0) / 1e9;
        long batches = after.batches() - before.batches();
        String note = String.format(
                Locale.ROOT,
                "%d batches, %.1f requests per batch, the decoder sampling %.0f%% of the time, %.1f samples per"
                        + " CPU-second of the decoder thread",
                batches,
                (after.requests() - before.requests()) / (double) batches,
                100 * (after.samplingNanos() - before.samplingNanos()) / 1e9 / s,
                samples.get() / decoderCpu);
        return new Speed(samples.get() / s, samples.get() / cpu, s, note);
    }
}
