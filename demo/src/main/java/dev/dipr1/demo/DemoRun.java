package dev.dipr1.demo;

import dev.dipr1.generator.engine.EngineSettings;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.EvalResult;
import dev.dipr1.policy.Evaluation;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.scenes.DatasetWriter;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.server.PolicyServer;
import dev.dipr1.server.ServerSettings;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.PolicyUpdates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo run, in order: broker, data, SFT (a child JVM, cached), evaluation of SFT,
 * asynchronous GRPO (generator, reward stream and learner as threads of this JVM or as child JVMs),
 * evaluation of RL, an equal-compute SFT continuation (child JVM) and its evaluation, the report.
 */
public final class DemoRun implements Callable<DemoReport> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);

    private final DemoPlan plan;
    private final KafkaConnection.Opener kafka;
    private final ChildJvm jvm;

    /**
     * @param kafka opens the run's Kafka, given where an embedded broker keeps its data
     * @param jvm runs SFT and (with {@code --processes}) the services in child JVMs
     */
    public DemoRun(DemoPlan plan, KafkaConnection.Opener kafka, ChildJvm jvm) {
        this.plan = plan;
        this.kafka = kafka;
        this.jvm = jvm;
    }

    @Override
    public DemoReport call() throws Exception {
        long t0 = System.nanoTime();
        // Generator and learner each get one core: two libtorch pools of 2 would fight over 2 cores.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        Path dir = plan.dir();
        Files.createDirectories(dir);
        DemoReport report = new DemoReport(dir, plan.seed(), plan.size());
        report.rlSettings(plan.rewards(), plan.sampling(), plan.learner());
        report.sftSettings(plan.givenSft() == null ? warmStart() : null, plan.sftMore() ? equalComputeSft() : null);
        try (KafkaConnection connection = kafka.open(dir.resolve("kafka"))) {
            timed("data", () -> writeSplits(report));
            Path sft = sftCheckpoint(report);
            DjlEnvironment.init();
            try (Policy p = Policy.load(sft)) {
                report.sft(evaluate(p, Split.IN_DOMAIN), evaluate(p, Split.OOD));
            }
            runRl(connection.settings(), sft, report);
            if (plan.sftMore()) {
                Path more = dir.resolve("sft_more.ckpt");
                jvm.run("equal-compute SFT", ServiceArgs.sft(sft, equalComputeSft(), more, null));
                try (Policy p = Policy.load(more)) {
                    report.sftMore(evaluate(p, Split.IN_DOMAIN), evaluate(p, Split.OOD));
                }
            }
        }
        report.totalSeconds((System.nanoTime() - t0) / 1e9);
        report.peakResidentMb(peakResidentMb());
        report.write();
        return report;
    }

    /**
     * The peak learning rate of "SFT continued": a fifth of the 1e-3 SFT ran at when it was chosen, and the rate every
     * SFT-continued result in the README ran at; written as that quotient so it stays the same float (2.0000001E-4)
     * whatever the warm start's rate ({@code --sft-lr}).
     */
    static final float SFT_CONTINUED_LR = 1e-3f / 5;

    /**
     * "SFT continued": from the SFT checkpoint, {@link DemoPlan#sftMoreSteps()} steps (the RL
     * phase's compute) at {@link #SFT_CONTINUED_LR}, on the same fixed training set as SFT and RL,
     * keeping its last weights as RL keeps its last.
     */
    SftSettings equalComputeSft() {
        SftSettings d = SftSettings.defaults();
        return new SftSettings(
                plan.sftMoreSteps(),
                d.batchSize(),
                SFT_CONTINUED_LR,
                Math.min(20, plan.sftMoreSteps() / 5),
                plan.seed(),
                d.maxMinutes(),
                plan.size().trainScenes(),
                0,
                d.validationImages(),
                plan.sftEmaDecay(),
                plan.sftShift());
    }

    /**
     * The warm start of this run's size: the calibrated settings on the run's training set, fewer
     * warm-up steps when the run has few steps, validated about ten times.
     */
    SftSettings warmStart() {
        SftSettings d = SftSettings.defaults();
        int steps = plan.size().sftSteps();
        return new SftSettings(
                steps,
                d.batchSize(),
                plan.sftLr(),
                Math.min(d.warmupSteps(), steps / 5),
                plan.seed(),
                d.maxMinutes(),
                plan.size().trainScenes(),
                Math.max(1, Math.min(d.validateEvery(), steps / 10)),
                Math.min(d.validationImages(), plan.size().evalImages()),
                plan.sftEmaDecay(),
                plan.sftShift());
    }

    private void writeSplits(DemoReport report) throws IOException {
        Path data = plan.dir().resolve("data");
        int evalImages = plan.size().evalImages();
        DatasetWriter.write(
                data.resolve("train"),
                SyntheticScenes.generate(
                        Split.TRAIN, plan.seed(), 0, plan.size().trainScenes()));
        DatasetWriter.write(
                data.resolve("in-domain"),
                SyntheticScenes.generate(Split.IN_DOMAIN, HeldOutSplits.SEED, 0, evalImages));
        DatasetWriter.write(
                data.resolve("ood"), SyntheticScenes.generate(Split.OOD, HeldOutSplits.SEED, 0, evalImages));
        report.note("data", "synthetic splits in " + data);
    }

    /** The SFT checkpoint for this seed and these settings: given, from the cache, or trained in a child JVM. */
    private Path sftCheckpoint(DemoReport report) throws Exception {
        Path local = plan.dir().resolve("sft.ckpt");
        if (plan.givenSft() != null) {
            report.note("sft", "given " + plan.givenSft());
            Files.copy(plan.givenSft(), local, StandardCopyOption.REPLACE_EXISTING);
            return local;
        }
        SftSettings s = warmStart();
        String key = sftCacheKey(s, jvm.runThreads());
        Path cacheDir = plan.cacheDir();
        Path cached = cacheDir.resolve("sft-seed" + plan.seed() + "-" + key + ".ckpt");
        Path plot = cacheDir.resolve(cached.getFileName() + ".loss.png");
        if (Files.exists(cached)) {
            LOG.info("reusing the cached SFT checkpoint {} (same seed and settings)", cached);
            report.note("sft", "reused cached " + cached);
        } else {
            // Policy.save replaces the file atomically: a killed SFT leaves no half checkpoint in the cache
            jvm.run("SFT", ServiceArgs.sft(null, s, cached, plot));
            report.note("sft", "trained " + cached);
        }
        if (Files.exists(plot)) {
            Files.copy(plot, plan.dir().resolve("sft_loss.png"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(cached, local, StandardCopyOption.REPLACE_EXISTING);
        return local;
    }

    /**
     * What names a cached SFT checkpoint: its settings, the policy's shape and format, and the thread count (another
     * count sums in another order and gives other weights). {@code dipr1 sft} runs one data-parallel replica per
     * thread; one thread is one model, as before replicas, so its key is unchanged. Without an average of the weights
     * or a shift SFT trains and keeps what it did before those options existed, so an option left off is not named
     * and the settings read as they did then.
     */
    static String sftCacheKey(SftSettings s, int libtorchThreads) {
        String parallel = libtorchThreads == 1 ? "threads=1" : "replicas=" + libtorchThreads;
        String settings = s.toString();
        if (s.shiftPixels() == 0) {
            settings = settings.replace(", shiftPixels=0]", "]");
        }
        if (s.emaDecay() == 0) {
            settings = settings.replace(", emaDecay=0.0]", "]");
        }
        String what = settings + "|" + PolicyConfig.defaults() + "|" + Policy.FORMAT_VERSION + "|" + parallel;
        return PolicyUpdates.sha256(what.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** Asynchronous GRPO for the step budget (the minutes are a safety cap). */
    private void runRl(ClientSettings client, Path sft, DemoReport report) throws Exception {
        SamplingSettings sampling = plan.sampling();
        RlLoop.Config config = new RlLoop.Config(
                client,
                plan.catalog(),
                sft,
                plan.learner().withMaxSteps(plan.size().rlSteps()),
                plan.size().generators(),
                sampling.groupSize(),
                sampling.temperature(),
                plan.seed(),
                RlLoop.groupsPerVersion(plan.learner()),
                sampling.leadVersions(),
                sampling.promptsPerBatch(),
                SyntheticScenes.generate(
                        Split.TRAIN, plan.seed(), 0, plan.size().trainScenes()),
                plan.dir(),
                plan.rewards());
        int steps = plan.size().rlSteps();
        Duration cap = Duration.ofSeconds(Math.round(plan.size().rlMaxMinutes() * 60));
        RlLoop.Result r;
        try (PolicyServer server = plan.engine() == EngineSettings.Kind.OPENAI ? serve(sft, config) : null;
                ProgressBar bar = Progress.bar("GRPO", steps, "steps")) {
            if (server != null) {
                config = config.withEngine(servedBy(server, config));
                report.note(
                        "engine",
                        "generators sample on dipr1 serve at " + server.baseUri()
                                + " (HTTP engine, weights update disk)");
            }
            Consumer<RlLoop.Status> onStatus = status -> {
                bar.stepTo(Math.min(steps, status.history().size()));
                bar.setExtraMessage(statusLine(status));
            };
            r = plan.processes()
                    ? ProcessRlLoop.run(config, jvm, cap, steps, onStatus)
                    : RlLoop.run(config, cap, steps, onStatus);
        }
        if (r.history().size() < steps) {
            LOG.warn(
                    "RL ended after {} of {} steps (safety cap or prompts used up)",
                    r.history().size(),
                    steps);
            report.note("rl_budget", "ended after " + r.history().size() + " of " + steps + " steps");
        }
        try (Policy rl = r.policy()) {
            rl.save(plan.dir().resolve("rl.ckpt"));
            report.rl(evaluate(rl, Split.IN_DOMAIN), evaluate(rl, Split.OOD));
        }
        report.rlRun(r.history(), r.seconds(), r.groupsGenerated(), r.counters(), sampling.groupSize());
        report.greedyProbe(r.probe());
        report.note("dead_letters", Long.toString(r.deadLetters()));
    }

    /**
     * {@code dipr1 serve} in this JVM, on a free port, serving the SFT checkpoint and loading the
     * checkpoints the generators hand it from the learner's policy directory; it decodes up to every
     * generator's batch of requests together.
     */
    private static PolicyServer serve(Path sft, RlLoop.Config config) throws IOException {
        Path weights = Files.createDirectories(config.learner().policyDir());
        byte[] bytes = Files.readAllBytes(sft);
        int batch =
                Math.min(config.promptsPerBatch() * config.generators(), Sampler.MAX_GROUP_SIZE / config.groupSize());
        ServerSettings s = ServerSettings.defaults(0)
                .withWeights(weights, null)
                .withBatching(
                        batch,
                        Math.max(ServerSettings.DEFAULT_MAX_QUEUE, 2 * batch),
                        ServerSettings.DEFAULT_BATCH_WAIT_MILLIS);
        return PolicyServer.start(s, Policy.fromBytes(bytes), PolicyUpdates.sha256(bytes));
    }

    /** The generators' HTTP engine on {@code server}: disk weight sync, a generator's batch in flight. */
    private static EngineSettings servedBy(PolicyServer server, RlLoop.Config config) {
        return new EngineSettings(
                EngineSettings.Kind.OPENAI,
                server.baseUri(),
                EngineSettings.DEFAULT_MODEL,
                EngineSettings.WeightsUpdate.DISK,
                config.promptsPerBatch(),
                EngineSettings.DEFAULT_REQUEST_TIMEOUT,
                EngineSettings.DEFAULT_RETRIES);
    }

    static String statusLine(RlLoop.Status status) {
        List<StepStats> h = status.history();
        if (h.isEmpty()) {
            return String.format(" %d groups generated", status.groupsGenerated());
        }
        StepStats last = h.get(h.size() - 1);
        return String.format(
                " step %d v%d reward %.2f acc %.2f | %d groups",
                last.step(), last.policyVersion(), last.rewardTotal(), last.rewardAccuracy(), status.groupsGenerated());
    }

    private Evaluation evaluate(Policy p, Split split) {
        long t = System.nanoTime();
        // nothing else runs in this JVM while it evaluates: one decoding thread per core
        Evaluation e = HeldOutSplits.evaluation(p, split, plan.size().evalImages(), DjlEnvironment.decodingWorkers());
        EvalResult r = e.result();
        LOG.info(
                "eval {} on {} ({} images): F1 {} AP50 {} format {} ({} s)",
                p.version(),
                split.label(),
                r.images(),
                String.format("%.3f", r.f1()),
                String.format("%.3f", r.ap50()),
                String.format("%.3f", r.formatRate()),
                (System.nanoTime() - t) / 1_000_000_000L);
        return e;
    }

    private static void timed(String what, ThrowingRunnable r) throws Exception {
        long t = System.nanoTime();
        r.run();
        LOG.info("{} done in {} s", what, (System.nanoTime() - t) / 1_000_000_000L);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The largest resident set of this process so far (Linux), or -1 when unknown. */
    static long peakResidentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("no /proc/self/status: {}", e.toString());
        }
        return -1;
    }
}
