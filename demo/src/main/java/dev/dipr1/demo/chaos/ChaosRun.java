package dev.dipr1.demo.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.LearnerStatusDir;
import dev.dipr1.demo.ServiceArgs;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerCheckpoint;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.RecentGroupIds;
import dev.dipr1.learner.StepStats;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.rewards.RewardConfig;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dipr1 chaos}: a broker, two reward-stream instances, the learner and two generators, each a child JVM,
 * and a feeder in this JVM; faults injected on a {@link ChaosSchedule}; then the pipeline settles, everything
 * stops, and the {@link ChaosVerdict} is computed from the topics and the learner's step logs and written to
 * {@code verdict.json} and {@code summary.md}.
 *
 * <p>This JVM is the orchestrator: a service it killed is started again at once, and a service that exits on its
 * own (e.g. a reward instance whose Streams reached ERROR, which exits non-zero by design) is started again and
 * listed in the verdict.
 */
public final class ChaosRun {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);
    private static final Duration START = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What to run.
     *
     * @param minutes run length (see {@link ChaosSchedule})
     * @param seed fixes the schedule, the scenes and the bad records
     * @param out where logs, data, {@code verdict.json} and {@code summary.md} go
     * @param promptsPerSecond the feeder's steady rate
     * @param settleSeconds how long after the planned end the run waits at most for every record to be accounted
     */
    public record Settings(int minutes, long seed, Path out, double promptsPerSecond, int settleSeconds) {
        public Settings {
            if (promptsPerSecond <= 0 || promptsPerSecond > 50) {
                throw new IllegalArgumentException("--prompts-per-second must be in (0, 50], was " + promptsPerSecond);
            }
            if (settleSeconds < 10) {
                throw new IllegalArgumentException("--settle-seconds must be at least 10, was " + settleSeconds);
            }
        }
    }

    /**
     * A fault as it happened: when it was planned, injected and over (a stopped broker continued, a killed service
     * restarted), and what was seen (e.g. an exit status).
     */
    public record Injection(
            String fault, double plannedSeconds, double doneSeconds, double endedSeconds, String observed) {}

    /** A service that exited without having been killed or stopped, and was started again. */
    public record UnplannedExit(
            String service, int incarnation, int exitStatus, double atSeconds, String lastLogLine) {}

    /** The result: pass only if every check passed. */
    public record Result(boolean passed, Path verdict, Path summary) {}

    private static final int GENERATORS = 2;
    private static final int REWARD_INSTANCES = 2;

    private final Settings s;
    private final ChildJvm jvm;
    private final ChaosSchedule schedule;
    private final Path logs;
    private final List<Injection> injections = new ArrayList<>();
    private final List<UnplannedExit> unplanned = new ArrayList<>();
    private final List<ChaosVerdict.Injected> injected = new ArrayList<>();
    private final List<ChaosVerdict.AppliedStep> durableSteps = new ArrayList<>();
    private final List<ChildService> services = new ArrayList<>();
    private final Map<ChildService, Integer> ports = new LinkedHashMap<>();
    private long t0;

    public ChaosRun(Settings settings, ChildJvm jvm) {
        this.s = settings;
        this.jvm = jvm;
        this.schedule = ChaosSchedule.of(settings.seed(), settings.minutes(), GENERATORS, REWARD_INSTANCES);
        this.logs = settings.out().resolve("logs");
    }

    public ChaosSchedule schedule() {
        return schedule;
    }

    public Result run() throws Exception {
        Files.createDirectories(logs);
        Path policyFile = s.out().resolve("initial-policy.ckpt");
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), s.seed())) {
            p.save(policyFile);
        }
        int port = freePort();
        Path brokerData = s.out().resolve("broker-data");
        ChildService broker = new ChildService(
                "broker",
                jvm,
                logs,
                i -> List.of("broker", "--port", Integer.toString(port), "--data-dir", brokerData.toString()));
        broker.start();
        try {
            awaitBroker(broker, port);
            // this JVM's own clients (feeder, bad records, read-back) outlast the longest broker stop (120 s)
            ClientSettings kafka = ClientSettings.of("127.0.0.1:" + port).withTimeout(Duration.ofMinutes(5));
            return runPipeline(broker, kafka, policyFile);
        } finally {
            broker.stop(60);
        }
    }

    private Result runPipeline(ChildService broker, ClientSettings kafka, Path policyFile) throws Exception {
        TopicCatalog catalog = TopicCatalog.defaults();
        try (Admin admin = KafkaClients.admin(kafka)) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        ServiceArgs args = new ServiceArgs(kafka.bootstrapServers(), catalog.prefix());
        Path ckpt = s.out().resolve("learner.ckpt");
        LearnerSettings ls = new LearnerSettings(
                2,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                1000,
                false,
                2,
                2,
                ckpt,
                s.out().resolve("policies"),
                1 << 24,
                0,
                false,
                RecentGroupIds.DEFAULT_CAPACITY);
        ChildService learner =
                new ChildService("learner", jvm, logs, i -> withTimeout(args.learner(policyFile, ls, statusDir(i))));
        List<ChildService> rewards = new ArrayList<>();
        for (int r = 0; r < REWARD_INSTANCES; r++) {
            Path state = s.out().resolve("reward-state-" + r);
            rewards.add(new ChildService(
                    "rewards-" + r, jvm, logs, i -> withTimeout(args.rewards(state, RewardConfig.defaults()))));
        }
        List<ChildService> generators = new ArrayList<>();
        for (int g = 0; g < GENERATORS; g++) {
            GeneratorSettings gs = new GeneratorSettings(
                    "chaos-gen-" + g,
                    4,
                    1f,
                    1f,
                    32,
                    s.seed() * 31 + g,
                    0,
                    s.out().resolve("policies"),
                    GeneratorSettings.DEFAULT_MAX_VERSION_JUMP,
                    0,
                    0,
                    2);
            generators.add(
                    new ChildService("generator-" + g, jvm, logs, i -> withTimeout(args.generator(policyFile, gs))));
        }
        services.add(broker);
        services.add(learner);
        services.addAll(rewards);
        services.addAll(generators);

        int prompts = (int) Math.ceil(schedule.feedEndSeconds() * s.promptsPerSecond()) + 1;
        try (PromptStream feed = new PromptStream(
                kafka, catalog, SyntheticScenes.generate(Split.TRAIN, s.seed(), 0, prompts), s.promptsPerSecond())) {
            feed.publishAnnotations();
            for (ChildService r : rewards) {
                r.start();
            }
            learner.start();
            awaitReady(learner);
            for (ChildService g : generators) {
                g.start();
            }
            t0 = System.nanoTime();
            feed.start();
            LOG.info(
                    "chaos: feeding {} prompts at {}/s; {} faults planned",
                    prompts,
                    s.promptsPerSecond(),
                    schedule.faults().size());
            BadRecords bad = new BadRecords(kafka, catalog, policyFile, s.seed());
            for (ChaosSchedule.Fault f : schedule.faults()) {
                watchUntil(f.atSeconds());
                double done = now();
                String observed = inject(f, broker, learner, rewards, generators, bad, ckpt);
                injections.add(new Injection(f.label(), f.atSeconds(), done, now(), observed));
                LOG.info("chaos: {} at {} s: {}", f.label(), Math.round(done), observed);
            }
            watchUntil(schedule.feedEndSeconds());
            feed.stopFeeding();
            double feedEnd = now();
            double lastFaultEnd = injections.stream()
                    .mapToDouble(Injection::endedSeconds)
                    .max()
                    .orElse(feedEnd);
            try (TopicReadBack readBack = new TopicReadBack(kafka, catalog)) {
                double caughtUpAt = settle(feed, readBack);
                double settled = (Double.isNaN(caughtUpAt) ? now() : caughtUpAt) - feedEnd;
                List<ChildService> pipeline = new ArrayList<>(services);
                pipeline.remove(broker);
                for (ChildService c : pipeline) {
                    c.requestStop();
                }
                for (ChildService c : pipeline) {
                    c.awaitStop(60);
                }
                keepDurableSteps(learner, ckpt);
                ChaosVerdict.Input input = new ChaosVerdict.Input(
                        feed.acknowledged(),
                        readBack.rollouts(),
                        readBack.scored(),
                        readBack.deadLetters(),
                        List.copyOf(durableSteps),
                        readBack.policy(),
                        List.copyOf(injected));
                ChaosVerdict.Timeline timeline = new ChaosVerdict.Timeline(
                        secondsFromStart(readBack.rolloutTimes()),
                        schedule.faultWindowStartSeconds(),
                        feedEnd,
                        lastFaultEnd,
                        caughtUpAt);
                List<ChaosVerdict.Check> checks = ChaosVerdict.checks(
                        input,
                        timeline,
                        unplanned.stream().map(UnplannedExit::toString).toList());
                return write(checks, feed, settled);
            }
        } finally {
            for (ChildService c : services) {
                if (c != broker) {
                    c.stop(10);
                }
            }
        }
    }

    private String inject(
            ChaosSchedule.Fault f,
            ChildService broker,
            ChildService learner,
            List<ChildService> rewards,
            List<ChildService> generators,
            BadRecords bad,
            Path ckpt)
            throws Exception {
        return switch (f.kind()) {
            case KILL_LEARNER -> {
                int status = learner.kill();
                long step = keepDurableSteps(learner, ckpt);
                learner.start();
                yield "exit " + status + ", checkpoint at step " + step + ", restarted";
            }
            case KILL_LEARNER_IN_CHECKPOINT ->
                killInCheckpointWindow(learner, ckpt, f.target() == 0 ? "before-rename" : "before-publish");
            case KILL_GENERATOR -> killAndRestart(generators.get(f.target()));
            case KILL_REWARDS -> killAndRestart(rewards.get(f.target()));
            case KILL_BROKER -> {
                int status = broker.kill();
                broker.start();
                awaitBroker(broker, portOf(broker));
                yield "exit " + status + ", restarted on the same data directory";
            }
            case STOP_BROKER -> {
                broker.signal("STOP");
                watchUntil(now() + f.durationSeconds());
                broker.signal("CONT");
                yield "SIGSTOP for " + Math.round(f.durationSeconds()) + " s, then SIGCONT";
            }
            default -> {
                List<ChaosVerdict.Injected> written = bad.inject(f.kind());
                injected.addAll(written);
                yield written.size() + " records: "
                        + String.join(
                                "; ",
                                written.stream()
                                        .map(w -> w.what() + " @" + w.at())
                                        .toList());
            }
        };
    }

    /**
     * Kills the learner, restarts it with its test hook holding it at {@code point} of its next checkpoint
     * (a new version's, for before-publish), kills it there and restarts it plainly.
     */
    private String killInCheckpointWindow(ChildService learner, Path ckpt, String point) throws Exception {
        int first = learner.kill();
        long step = keepDurableSteps(learner, ckpt);
        Path marker = s.out().resolve("checkpoint-window-" + (learner.incarnation() + 1));
        Files.deleteIfExists(marker);
        learner.start(List.of("-Ddipr1.test.checkpointWindow=" + point + "@" + (step + 1) + ":120000:" + marker));
        long deadline = System.nanoTime() + START.toNanos();
        while (!Files.exists(marker) && learner.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!Files.exists(marker)) {
            // no kill in the window without the hook holding it: say so rather than kill elsewhere
            return "exit " + first + ", restarted; the hook did not hold the learner at " + point + " within "
                    + START.toSeconds() + " s, so no kill in the window";
        }
        String where = Files.readString(marker).strip();
        int second = learner.kill();
        long after = keepDurableSteps(learner, ckpt);
        learner.start();
        return "exit " + first + " (checkpoint at step " + step + "), restarted with the hook; held at " + where
                + ", exit " + second + " (checkpoint at step " + after + "), restarted";
    }

    private static String killAndRestart(ChildService c) throws Exception {
        int status = c.kill();
        c.start();
        return "exit " + status + ", restarted";
    }

    /**
     * Keeps the steps of the learner's current incarnation that its checkpoint holds: later ones are redone
     * by the next incarnation. Returns the checkpoint's step.
     */
    private long keepDurableSteps(ChildService learner, Path ckpt) throws IOException {
        long step = Files.exists(ckpt) ? LearnerCheckpoint.load(ckpt).step() : 0;
        List<StepStats> steps;
        try {
            steps = new LearnerStatusDir(statusDir(learner.incarnation())).history();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the step log of learner " + learner.incarnation(), e);
        }
        for (StepStats st : steps) {
            if (st.step() <= step) {
                durableSteps.add(new ChaosVerdict.AppliedStep(st.step(), st.groupIds()));
            }
        }
        return step;
    }

    /** Sleeps until {@code seconds} after the feed started, restarting any service that exits on its own. */
    private void watchUntil(double seconds) throws Exception {
        while (now() < seconds) {
            for (ChildService c : services) {
                if (c.exitedOnItsOwn()) {
                    UnplannedExit e =
                            new UnplannedExit(c.name(), c.incarnation(), c.exitValue(), now(), c.lastLogLine());
                    unplanned.add(e);
                    LOG.warn("chaos: {} exited on its own: {}", c.name(), e);
                    if (c.name().equals("learner")) {
                        keepDurableSteps(c, s.out().resolve("learner.ckpt"));
                    }
                    c.start();
                    if (c.name().equals("broker")) {
                        awaitBroker(c, portOf(c));
                    }
                }
            }
            Thread.sleep(Math.max(1, Math.min(200, (long) ((seconds - now()) * 1000))));
        }
    }

    /**
     * Waits (at most until the planned end plus the settle time) until every acknowledged prompt is a group or a
     * dead letter and every rollout has its outcome; returns when that happened (seconds from the start of the feed),
     * or NaN when it did not.
     */
    private double settle(PromptStream feed, TopicReadBack readBack) throws Exception {
        double from = now();
        double until = Math.max(schedule.endSeconds(), from) + s.settleSeconds();
        while (true) {
            watchUntil(Math.min(until, now() + 5));
            ChaosVerdict.Input partial = new ChaosVerdict.Input(
                    feed.acknowledged(),
                    readBack.rollouts(),
                    readBack.scored(),
                    readBack.deadLetters(),
                    List.of(),
                    List.of(),
                    List.copyOf(injected));
            boolean promptsDone = ChaosVerdict.promptsAccounted(partial).passed();
            boolean rolloutsDone = ChaosVerdict.rolloutsScoredOnce(partial).passed();
            if ((promptsDone && rolloutsDone) || now() >= until) {
                LOG.info("chaos: settled={} after {} s", promptsDone && rolloutsDone, Math.round(now() - from));
                return promptsDone && rolloutsDone ? now() : Double.NaN;
            }
        }
    }

    private Result write(List<ChaosVerdict.Check> checks, PromptStream feed, double settleSeconds) throws IOException {
        boolean passed = checks.stream().allMatch(ChaosVerdict.Check::passed);
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (Injection i : injections) {
            byKind.merge(i.fault().replaceAll("[#(].*", ""), 1L, Long::sum);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("passed", passed);
        v.put("minutes", s.minutes());
        v.put("seed", s.seed());
        v.put("faults_injected", injections.size());
        v.put("faults_by_kind", byKind);
        v.put("records_lost", ChaosVerdict.recordsLost(checks));
        v.put("checks", checks);
        v.put("prompts_sent", feed.sent());
        v.put("prompts_acknowledged", feed.acknowledged().size());
        v.put("prompts_not_acknowledged", feed.failed());
        v.put("settle_seconds", Math.round(settleSeconds));
        v.put("unplanned_exits", unplanned);
        v.put("faults", injections);
        Path verdict = s.out().resolve("verdict.json");
        JSON.writeValue(verdict.toFile(), v);
        Path summary = s.out().resolve("summary.md");
        Files.writeString(summary, summary(passed, checks, byKind, settleSeconds));
        return new Result(passed, verdict, summary);
    }

    /** Record create-times (epoch ms) as seconds from the start of the feed. */
    private List<Double> secondsFromStart(List<Long> epochMillis) {
        double startMs = System.currentTimeMillis() - now() * 1000;
        return epochMillis.stream().map(t -> (t - startMs) / 1000.0).toList();
    }

    private String summary(
            boolean passed, List<ChaosVerdict.Check> checks, Map<String, Long> byKind, double settleSeconds) {
        StringBuilder b = new StringBuilder();
        b.append("# dipr1 chaos: ").append(passed ? "PASSED" : "FAILED").append("\n\n");
        b.append("Seed ")
                .append(s.seed())
                .append(", ")
                .append(s.minutes())
                .append(" minutes; ")
                .append(injections.size())
                .append(" faults injected ")
                .append(byKind)
                .append("; records lost: ")
                .append(ChaosVerdict.recordsLost(checks))
                .append("; settled ")
                .append(Math.round(settleSeconds))
                .append(" s after the feed stopped; unplanned exits: ")
                .append(unplanned.size())
                .append(".\n\n");
        b.append("| check | result | numbers |\n| --- | --- | --- |\n");
        for (ChaosVerdict.Check c : checks) {
            b.append("| ")
                    .append(c.name())
                    .append(" | ")
                    .append(c.passed() ? "pass" : "FAIL")
                    .append(" | ")
                    .append(c.numbers())
                    .append(" |\n");
        }
        b.append("\n| fault | planned s | done s | over s | observed |\n| --- | --- | --- | --- | --- |\n");
        for (Injection i : injections) {
            b.append("| ")
                    .append(i.fault())
                    .append(" | ")
                    .append(i.plannedSeconds())
                    .append(" | ")
                    .append(Math.round(i.doneSeconds()))
                    .append(" | ")
                    .append(Math.round(i.endedSeconds()))
                    .append(" | ")
                    .append(i.observed().replace("|", "/"))
                    .append(" |\n");
        }
        return b.toString();
    }

    private Path statusDir(int incarnation) {
        return s.out().resolve("learner-status-" + incarnation);
    }

    private static List<String> withTimeout(List<String> args) {
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of("--kafka-timeout", "180"));
        return a;
    }

    private double now() {
        return (System.nanoTime() - t0) / 1e9;
    }

    private void awaitReady(ChildService learner) throws Exception {
        LearnerStatusDir status = new LearnerStatusDir(statusDir(learner.incarnation()));
        long deadline = System.nanoTime() + START.toNanos();
        while (!status.isReady()) {
            if (learner.exitedOnItsOwn()) {
                throw new IllegalStateException("the learner exited at start: " + learner.lastLogLine());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the learner was not ready within " + START.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    private int portOf(ChildService broker) {
        return ports.get(broker);
    }

    /** Waits until the broker prints its address on a line of its own. */
    private void awaitBroker(ChildService broker, int port) throws Exception {
        ports.put(broker, port);
        long deadline = System.nanoTime() + START.toNanos();
        String address = "127.0.0.1:" + port;
        while (System.nanoTime() < deadline) {
            if (broker.exitedOnItsOwn()) {
                throw new IllegalStateException("the broker exited: " + broker.lastLogLine());
            }
            Optional<String> line = Optional.empty();
            if (Files.exists(broker.log())) {
                try (Stream<String> lines = Files.lines(broker.log())) {
                    line = lines.filter(address::equals).findFirst();
                }
            }
            if (line.isPresent()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the broker did not start within " + START.toSeconds() + " s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
