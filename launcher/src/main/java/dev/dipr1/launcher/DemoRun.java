package dev.dipr1.launcher;

import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.DjlEnvironment;
import dev.dipr1.policy.EvalResult;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SftSettings;
import dev.dipr1.scenes.DatasetWriter;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo run, in order: broker, data, SFT (a child JVM, cached), evaluation of SFT,
 * asynchronous GRPO (generator, reward stream and learner as concurrent components of this JVM),
 * evaluation of RL, an equal-compute SFT continuation (child JVM) and its evaluation, the report.
 */
final class DemoRun implements Callable<DemoReport> {

    private static final Logger LOG = LoggerFactory.getLogger(DemoRun.class);

    private final DemoSettings settings;
    private final long seed;
    private final Path dir;
    private final Path cacheDir;
    private final KafkaOptions kafka;
    private final LearnerOptions learnerOptions;
    private final int groupSize;
    private final float temperature;
    private final boolean sftMore;
    private final Path givenSft;
    private final dev.dipr1.rewards.RewardConfig rewards;
    private final boolean processes;

    DemoRun(DemoSettings settings, long seed, Path dir, Path cacheDir, KafkaOptions kafka, LearnerOptions learner,
            dev.dipr1.rewards.RewardConfig rewards, int groupSize, float temperature, boolean sftMore, Path givenSft,
            boolean processes) {
        this.processes = processes;
        this.givenSft = givenSft;
        this.rewards = rewards;
        this.settings = settings;
        this.seed = seed;
        this.dir = dir;
        this.cacheDir = cacheDir;
        this.kafka = kafka;
        this.learnerOptions = learner;
        this.groupSize = groupSize;
        this.temperature = temperature;
        this.sftMore = sftMore;
    }

    @Override
    public DemoReport call() throws Exception {
        long t0 = System.nanoTime();
        // Generator and learner each get one core: two libtorch pools of 2 would fight over 2 cores.
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
        }
        Files.createDirectories(dir);
        DemoReport report = new DemoReport(dir, seed, settings);
        try (KafkaConnection connection = KafkaConnection.open(kafka, dir.resolve("kafka"))) {
            ClientSettings client = connection.settings();
            TopicCatalog catalog = kafka.catalog();
            step("data", () -> writeSplits(report));
            Path sft = sftCheckpoint(report);
            DjlEnvironment.init();
            try (Policy p = Policy.load(sft)) {
                report.sft(evaluate(p, Split.IN_DOMAIN), evaluate(p, Split.OOD));
            }
            double rlSeconds = runRl(client, catalog, sft, report);
            if (sftMore) {
                Path more = dir.resolve("sft_more.ckpt");
                runChild("equal-compute SFT", List.of("sft", "--init", sft.toString(), "--seed",
                        Long.toString(seed + 7919), "--out", more.toString(), "--lr", "2e-4", "--warmup", "20",
                        "--steps", Integer.toString(Math.max(20, (int) (rlSeconds / 0.3))),
                        "--max-minutes", Double.toString(rlSeconds / 60.0)));
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

    private void writeSplits(DemoReport report) throws IOException {
        Path data = dir.resolve("data");
        DatasetWriter.write(data.resolve("train"), SyntheticScenes.generate(Split.TRAIN, seed, 0, settings.trainScenes()));
        DatasetWriter.write(data.resolve("in-domain"),
                SyntheticScenes.generate(Split.IN_DOMAIN, EvalCommand.EVAL_SEED, 0, settings.evalImages()));
        DatasetWriter.write(data.resolve("ood"), SyntheticScenes.generate(Split.OOD, EvalCommand.EVAL_SEED, 0,
                settings.evalImages()));
        report.note("data", "synthetic splits in " + data);
    }

    /** The SFT checkpoint for this seed and these settings: from the cache, or trained in a child JVM. */
    private Path sftCheckpoint(DemoReport report) throws Exception {
        if (givenSft != null) {
            report.note("sft", "given " + givenSft);
            Path local = dir.resolve("sft.ckpt");
            Files.copy(givenSft, local, StandardCopyOption.REPLACE_EXISTING);
            return local;
        }
        SftSettings d = SftSettings.defaults();
        SftSettings s = new SftSettings(settings.sftSteps(), d.batchSize(), d.lr(),
                Math.min(d.warmupSteps(), settings.sftSteps() / 5), seed, settings.sftMinutes());
        String key = PolicyUpdates.sha256((s + "|" + PolicyConfig.defaults() + "|" + Policy.FORMAT_VERSION)
                .getBytes(StandardCharsets.UTF_8)).substring(0, 16);
        Path cached = cacheDir.resolve("sft-seed" + seed + "-" + key + ".ckpt");
        if (Files.exists(cached)) {
            LOG.info("reusing the cached SFT checkpoint {} (same seed and settings)", cached);
            report.note("sft", "reused cached " + cached);
        } else {
            Files.createDirectories(cacheDir);
            Path tmp = cacheDir.resolve(cached.getFileName() + ".partial");
            runChild("SFT", List.of("sft", "--seed", Long.toString(seed), "--out", tmp.toString(), "--steps",
                    Integer.toString(s.steps()), "--warmup", Integer.toString(s.warmupSteps()), "--max-minutes",
                    Double.toString(s.maxMinutes()), "--plot", cacheDir.resolve(cached.getFileName() + ".loss.png").toString()));
            Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            report.note("sft", "trained " + cached);
        }
        Path plot = cacheDir.resolve(cached.getFileName() + ".loss.png");
        if (Files.exists(plot)) {
            Files.copy(plot, dir.resolve("sft_loss.png"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path local = dir.resolve("sft.ckpt");
        Files.copy(cached, local, StandardCopyOption.REPLACE_EXISTING);
        return local;
    }

    /** Asynchronous GRPO for the time budget; returns its wall-clock seconds. */
    private double runRl(ClientSettings client, TopicCatalog catalog, Path sft, DemoReport report) throws Exception {
        LearnerSettings ls = learnerOptions.settings(dir.resolve("learner.ckpt"), dir.resolve("policies"), true);
        RlLoop.Config config = new RlLoop.Config(client, catalog, sft, ls, settings.generators(), groupSize,
                temperature, seed, RlLoop.groupsPerVersion(ls),
                SyntheticScenes.generate(Split.TRAIN, seed, 0, settings.trainScenes()), dir, rewards);
        long budgetS = Math.round(settings.rlMinutes() * 60);
        RlLoop.Result r;
        try (ProgressBar bar = Progress.bar("GRPO", budgetS, "s")) {
            Consumer<RlLoop.Status> onStatus = status -> {
                bar.stepTo(Math.min(budgetS, (long) status.seconds()));
                List<StepStats> h = status.history();
                StepStats last = h.isEmpty() ? null : h.get(h.size() - 1);
                bar.setExtraMessage(last == null ? String.format(" %d groups generated", status.groupsGenerated())
                        : String.format(" step %d v%d reward %.2f acc %.2f | %d groups", last.step(),
                                last.policyVersion(), last.rewardTotal(), last.rewardAccuracy(),
                                status.groupsGenerated()));
            };
            r = processes ? ProcessRlLoop.run(config, Duration.ofSeconds(budgetS), onStatus)
                    : RlLoop.run(config, Duration.ofSeconds(budgetS), 0, onStatus);
        }
        try (Policy rl = r.policy()) {
            rl.save(dir.resolve("rl.ckpt"));
            report.rl(evaluate(rl, Split.IN_DOMAIN), evaluate(rl, Split.OOD));
        }
        report.rlRun(r.history(), r.seconds(), r.groupsGenerated(), r.registry(), groupSize);
        report.note("dead_letters", Long.toString(r.deadLetters()));
        return r.seconds();
    }

    private EvalResult evaluate(Policy p, Split split) {
        long t = System.nanoTime();
        EvalResult r = EvalCommand.evaluate(p, split, settings.evalImages());
        LOG.info("eval {} on {}: F1 {} format {} ({} s)", p.version(), split.label(), String.format("%.3f", r.f1()),
                String.format("%.3f", r.formatRate()), (System.nanoTime() - t) / 1_000_000_000L);
        return r;
    }

    private static void step(String what, ThrowingRunnable r) throws Exception {
        long t = System.nanoTime();
        r.run();
        LOG.info("{} done in {} s", what, (System.nanoTime() - t) / 1_000_000_000L);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Runs a dipr1 command in a child JVM (its own libtorch thread pool of 2), inheriting the terminal. */
    private static void runChild(String what, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx3g");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Dipr1.class.getName());
        cmd.addAll(args);
        LOG.info("{}: running {}", what, String.join(" ", args));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(what + " failed (exit " + rc + "): dipr1 " + String.join(" ", args));
        }
    }

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
