package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.common.AtomicFiles;
import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.LearnerStatusDir;
import dev.dipr1.demo.ServiceArgs;
import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerCheckpoint;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.RecentGroupIds;
import dev.dipr1.learner.StepStats;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real process kills of {@code dipr1 learner}: a child JVM on a real broker is SIGKILLed ({@link
 * Process#destroyForcibly()}, which on Linux sends SIGKILL: the exit status 137 = 128 + 9 is asserted) mid-step
 * and inside its checkpoint window, held there by the learner's test hook ({@code -Ddipr1.test.checkpointWindow},
 * see {@code CheckpointWindowHook}), and restarted on the same checkpoint and broker. What was applied is read
 * from the learner's status directory (one JSON line per step, its drop counters) and from the policy topic.
 */
class LearnerKillIT {

    private static final int SIGKILL_EXIT = 128 + 9;
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    static Path shared;

    private static Path sft;
    private final ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());
    private final ChildJvm jvm = new ChildJvm(Dipr1.class.getName());

    @BeforeAll
    static void initialPolicy() throws Exception {
        sft = TinyCheckpoint.write(shared.resolve("tiny.ckpt"), 3);
    }

    /**
     * 24 groups, B = 2 (12 steps), a new version every 2 steps, a checkpoint every 3 steps and at every version.
     * Run 1 is killed with its step-4 checkpoint (policy v2) written to the temporary file but not renamed; run
     * 2 is killed with its step-6 checkpoint (v3) durable but v3 not published, and a second learner started
     * meanwhile on the same checkpoint must refuse; run 3 is killed mid-step; run 4 finishes. Across the four
     * runs every group is applied exactly once, nothing is dropped as a duplicate (none was sent, so a drop
     * would mean the offsets of a checkpoint were wrong), and every version on the topic has one weight set.
     */
    @Test
    void givenSigkillsMidStepAndInTheCheckpointWindowThenEveryGroupIsAppliedOnceAndEachVersionHasOneWeightSet(
            @TempDir Path dir) throws Exception {
        TopicCatalog catalog = topics("learner-kill-it.");
        List<ScoredGroup> groups = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            groups.add(TrainableGroups.of(String.format("kill-%03d/e0", i), i));
        }
        TrainableGroups.send(kafka, catalog.advantages().name(), groups);
        Path ckpt = dir.resolve("learner.ckpt");
        List<String> args = learnerArgs(catalog, dir, 12, RecentGroupIds.DEFAULT_CAPACITY);
        List<List<StepStats>> survived = new ArrayList<>();

        // Run 1: killed inside the checkpoint window, before the rename of the step-4 checkpoint (v2).
        Run run1 = Run.start(jvm, dir, 1, args, "before-rename@4");
        run1.awaitMarker();
        run1.kill();
        assertEquals(3, LearnerCheckpoint.load(ckpt).step(), "the step-4 checkpoint never replaced the step-3 one");
        assertTrue(orphans(ckpt) > 0, "the step-4 checkpoint was in its temporary file when killed");
        assertFalse(versions(catalog).containsKey(2L), "v2 was never published");
        survived.add(stepsUpTo(run1, 3));

        // Run 2: the lock file of the killed learner is still there and must not block; killed after the
        // step-6 checkpoint (v3) was renamed into place, before v3 was published.
        assertTrue(Files.exists(ckpt.resolveSibling("learner.ckpt.lock")), "the killed learner left its lock file");
        Run run2 = Run.start(jvm, dir, 2, args, "before-publish@6");
        run2.awaitMarker();
        assertEquals(0, orphans(ckpt), "the restart removed the temporary file of the killed save");
        Process intruder = jvm.start("learner-intruder", args, dir.resolve("intruder.log"));
        assertTrue(intruder.waitFor(START.toSeconds(), TimeUnit.SECONDS), "a second learner on the checkpoint exits");
        String intruderLog = Files.readString(dir.resolve("intruder.log"));
        assertNotEquals(0, intruder.exitValue(), intruderLog);
        assertTrue(intruderLog.contains("learner.ckpt.lock"), "names the lock: " + intruderLog);
        run2.kill();
        LearnerCheckpoint atV3 = LearnerCheckpoint.load(ckpt);
        assertEquals(6, atV3.step());
        assertEquals(3, atV3.policyVersion());
        assertFalse(versions(catalog).containsKey(3L), "v3 was checkpointed, not published, when killed");
        survived.add(stepsUpTo(run2, 6));

        // Run 3: killed at whatever it is doing once it has taken two more steps (mostly a step: it has a backlog).
        Run run3 = Run.start(jvm, dir, 3, args, null);
        run3.await(() -> run3.steps().size() >= 2);
        run3.kill();
        long resumedAt = LearnerCheckpoint.load(ckpt).step();
        survived.add(stepsUpTo(run3, resumedAt));

        // Run 4: to the end (--max-steps 12).
        Run run4 = Run.start(jvm, dir, 4, args, null);
        assertTrue(run4.process.waitFor(START.toSeconds() + 60, TimeUnit.SECONDS), "the last run finishes");
        assertEquals(0, run4.process.exitValue(), run4.log());
        survived.add(run4.steps());

        List<Long> stepNumbers = new ArrayList<>();
        List<String> applied = new ArrayList<>();
        for (List<StepStats> run : survived) {
            for (StepStats s : run) {
                stepNumbers.add(s.step());
                applied.addAll(s.groupIds());
            }
        }
        assertEquals(Stream.iterate(1L, s -> s + 1).limit(12).toList(), stepNumbers, "steps 1..12, none twice");
        assertEquals(
                groups.stream().map(ScoredGroup::getGroupId).sorted().toList(),
                applied.stream().sorted().toList(),
                "every group applied exactly once");
        for (Run r : List.of(run1, run2, run3, run4)) {
            assertEquals(0.0, r.status.counters().droppedDuplicate(), "run " + r.index + " re-read nothing");
        }
        Map<Long, Set<String>> versions = versions(catalog);
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L), versions.keySet(), "every version published");
        versions.forEach((v, hashes) -> assertEquals(1, hashes.size(), "v" + v + " has one weight set: " + hashes));
        assertEquals(Set.of(PolicyUpdates.sha256(atV3.policy())), versions.get(3L), "v3 = the checkpointed bytes");
    }

    /**
     * Groups already applied before a SIGKILL are sent again after the restart (what a generator that redid
     * its prompts would write): the restarted learner drops them as duplicates and applies only the new ones.
     * It remembers only the last 4 group ids ({@code --recent-group-ids 4}) and the groups sent again are older
     * than that: only the applied prompts its checkpoint carries can recognise them.
     */
    @Test
    void givenAppliedGroupsSentAgainAfterASigkillThenTheRestartedLearnerDropsThemAsDuplicates(@TempDir Path dir)
            throws Exception {
        TopicCatalog catalog = topics("learner-dup-it.");
        List<ScoredGroup> first = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            first.add(TrainableGroups.of(String.format("dup-%03d/e0", i), i));
        }
        TrainableGroups.send(kafka, catalog.advantages().name(), first);
        Path ckpt = dir.resolve("learner.ckpt");
        List<String> args = learnerArgs(catalog, dir, 0, 4);

        Run run1 = Run.start(jvm, dir, 1, args, null);
        run1.await(() -> checkpointedStep(ckpt) == 4); // every group applied, nothing left to read
        run1.kill();

        Run run2 = Run.start(jvm, dir, 2, args, null);
        run2.await(run2.status::isReady);
        List<ScoredGroup> again = List.of(first.get(0), first.get(1));
        TrainableGroups.send(kafka, catalog.advantages().name(), again);
        Thread.sleep(2000); // read before the new groups: their drop is counted at the next step
        List<ScoredGroup> fresh = new ArrayList<>();
        for (int i = 8; i < 12; i++) {
            fresh.add(TrainableGroups.of(String.format("dup-%03d/e0", i), i));
        }
        TrainableGroups.send(kafka, catalog.advantages().name(), fresh);
        run2.await(() -> {
            List<StepStats> steps = run2.steps(); // one read of the step log: it grows while we look
            return !steps.isEmpty() && steps.get(steps.size() - 1).step() == 6;
        });
        run2.kill();

        assertEquals(2.0, run2.status.counters().droppedDuplicate(), "both groups sent again were dropped");
        List<String> applied = new ArrayList<>();
        Stream.concat(stepsUpTo(run1, 4).stream(), run2.steps().stream()).forEach(s -> applied.addAll(s.groupIds()));
        assertEquals(
                Stream.concat(first.stream(), fresh.stream())
                        .map(ScoredGroup::getGroupId)
                        .sorted()
                        .toList(),
                applied.stream().sorted().toList(),
                "each group applied once");
    }

    private static long checkpointedStep(Path ckpt) {
        try {
            return Files.exists(ckpt) ? LearnerCheckpoint.load(ckpt).step() : 0;
        } catch (Exception e) {
            return 0; // being replaced: read again
        }
    }

    private TopicCatalog topics(String prefix) throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        return catalog;
    }

    private List<String> learnerArgs(TopicCatalog catalog, Path dir, int maxSteps, int recentGroupIds) {
        LearnerSettings s = new LearnerSettings(
                2,
                1,
                1e-3f,
                GrpoLoss.Settings.defaults(),
                100,
                false,
                2,
                3,
                dir.resolve("learner.ckpt"),
                dir.resolve("policies"),
                1 << 24,
                maxSteps,
                false,
                recentGroupIds);
        List<String> args = new ServiceArgs(kafka.bootstrapServers(), catalog.prefix()).learner(sft, s, null);
        // ServiceArgs adds --status-dir null; each run gets its own below
        int at = args.indexOf("--status-dir");
        args.remove(at + 1);
        args.remove(at);
        return args;
    }

    private static int orphans(Path ckpt) throws Exception {
        try (Stream<Path> files = Files.list(ckpt.getParent())) {
            return (int) files.filter(p -> p.getFileName().toString().startsWith(AtomicFiles.tempPrefix(ckpt)))
                    .count();
        }
    }

    private static List<StepStats> stepsUpTo(Run run, long checkpointedStep) throws Exception {
        return run.steps().stream().filter(s -> s.step() <= checkpointedStep).toList();
    }

    /** Every policy version on the topic with the SHA-256 of the weights each of its records carries. */
    private Map<Long, Set<String>> versions(TopicCatalog catalog) throws Exception {
        Map<Long, Set<String>> hashes = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c = KafkaClients.rawConsumer(kafka, "kill-it-policy-reader", Map.of())) {
            List<TopicPartition> parts = c.partitionsFor(catalog.policy().name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    PolicyUpdate u = Serdes.POLICY_UPDATE.decode(r.value(), r.topic(), r.partition(), r.offset());
                    hashes.computeIfAbsent(u.getVersion(), v -> new TreeSet<>())
                            .add(PolicyUpdates.sha256(PolicyUpdates.checkpoint(u)));
                }
            }
        }
        return hashes;
    }

    /** One {@code dipr1 learner} child JVM with its own status directory and log. */
    private record Run(int index, Process process, LearnerStatusDir status, Path marker, Path logFile) {

        static Run start(ChildJvm jvm, Path dir, int index, List<String> args, String hook) throws Exception {
            Path statusDir = dir.resolve("status-" + index);
            Path marker = dir.resolve("in-window-" + index);
            List<String> jvmOptions =
                    hook == null ? List.of() : List.of("-Ddipr1.test.checkpointWindow=" + hook + ":60000:" + marker);
            List<String> all = new ArrayList<>(args);
            all.addAll(List.of("--status-dir", statusDir.toString()));
            Path log = dir.resolve("learner-" + index + ".log");
            return new Run(
                    index,
                    jvm.start("learner-" + index, jvmOptions, all, log),
                    new LearnerStatusDir(statusDir),
                    marker,
                    log);
        }

        void awaitMarker() throws Exception {
            await(() -> Files.exists(marker));
        }

        void await(BooleanSupplier condition) throws Exception {
            long deadline = System.nanoTime() + START.toNanos();
            while (!condition.getAsBoolean()) {
                if (!process.isAlive()) {
                    throw new AssertionError("learner " + index + " exited (" + process.exitValue() + "): " + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("learner " + index + " timed out: " + log());
                }
                Thread.sleep(20);
            }
        }

        /** SIGKILL: no shutdown hook, no final checkpoint. */
        void kill() throws Exception {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(SIGKILL_EXIT, process.exitValue(), "killed by SIGKILL");
        }

        List<StepStats> steps() {
            try {
                return status.history();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        String log() {
            try {
                return Files.readString(logFile);
            } catch (Exception e) {
                return "(no log: " + e + ")";
            }
        }
    }
}
