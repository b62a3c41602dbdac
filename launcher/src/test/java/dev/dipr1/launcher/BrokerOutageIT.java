package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.demo.ChildJvm;
import dev.dipr1.demo.LearnerStatusDir;
import dev.dipr1.demo.ServiceArgs;
import dev.dipr1.learner.GrpoLoss;
import dev.dipr1.learner.LearnerSettings;
import dev.dipr1.learner.StepStats;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that stops answering for 30 s ({@code dipr1 broker} in a child JVM, SIGSTOPped, then SIGCONTed) while
 * the learner ({@code dipr1 learner --kafka-timeout 120}, another child JVM) is publishing a policy: the learner
 * waits it out, publishes, and finishes its steps; nothing is dead-lettered.
 */
class BrokerOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration START = Duration.ofSeconds(90);

    private final ChildJvm jvm = new ChildJvm(Dipr1.class.getName());

    @Test
    void givenTheBrokerStoppedDuringAPublishThenTheLearnerWaitsItOutAndFinishes(@TempDir Path dir) throws Exception {
        Process broker = jvm.start(
                "broker",
                List.of(
                        "broker",
                        "--port",
                        "0",
                        "--data-dir",
                        dir.resolve("broker-data").toString()),
                dir.resolve("broker.log"));
        Process learner = null;
        try {
            ClientSettings kafka = ClientSettings.of(bootstrapOf(broker, dir.resolve("broker.log")));
            TopicCatalog catalog = TopicCatalog.withPrefix("outage-it.");
            try (Admin admin = Admin.create(kafka.asMap())) {
                new TopicAdmin(admin, (short) 1).ensure(catalog.all());
            }
            List<ScoredGroup> groups = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                groups.add(TrainableGroups.of(String.format("outage-%03d/e0", i), i));
            }
            TrainableGroups.send(kafka, catalog.advantages().name(), groups);
            Path sft = TinyCheckpoint.write(dir.resolve("tiny.ckpt"), 5);
            LearnerSettings s = new LearnerSettings(
                    2,
                    1,
                    1e-3f,
                    GrpoLoss.Settings.defaults(),
                    100,
                    false,
                    1,
                    1,
                    dir.resolve("learner.ckpt"),
                    dir.resolve("policies"),
                    1 << 24,
                    4,
                    false);
            Path status = dir.resolve("status");
            List<String> args = new ArrayList<>(
                    new ServiceArgs(kafka.bootstrapServers(), catalog.prefix()).learner(sft, s, status));
            args.addAll(List.of("--kafka-timeout", "120"));
            Path marker = dir.resolve("about-to-publish-v3");
            // held 2 s just before publishing v3, long enough to stop the broker under it
            learner = jvm.start(
                    "learner",
                    List.of("-Ddipr1.test.checkpointWindow=before-publish@3:2000:" + marker),
                    args,
                    dir.resolve("learner.log"));
            long deadline = System.nanoTime() + START.toNanos();
            while (!Files.exists(marker)) {
                assertTrue(learner.isAlive(), () -> "learner exited: " + read(dir.resolve("learner.log")));
                assertTrue(System.nanoTime() < deadline, "the learner reached v3 in time");
                Thread.sleep(20);
            }

            signal("STOP", broker);
            long stopped = System.nanoTime();
            Thread.sleep(OUTAGE.toMillis());
            assertTrue(learner.isAlive(), () -> "the learner survived the outage: " + read(dir.resolve("learner.log")));
            signal("CONT", broker);

            assertTrue(learner.waitFor(120, TimeUnit.SECONDS), "the learner finishes after the outage");
            double waited = (System.nanoTime() - stopped) / 1e9;
            String log = read(dir.resolve("learner.log"));
            assertEquals(0, learner.exitValue(), log);
            List<StepStats> steps = new LearnerStatusDir(status).history();
            assertEquals(
                    List.of(1L, 2L, 3L, 4L), steps.stream().map(StepStats::step).toList(), "every step, once");
            assertTrue(log.contains("published policy v3"), log);
            assertTrue(waited >= OUTAGE.toSeconds(), "v3 went out only after the outage: " + waited + " s");
            try (Admin admin = Admin.create(kafka.asMap())) {
                long deadLetters =
                        TopicAdmin.endOffsets(admin, catalog.deadLetters().name(), Duration.ofSeconds(30))
                                .values()
                                .stream()
                                .mapToLong(Long::longValue)
                                .sum();
                assertEquals(0, deadLetters, "nothing dead-lettered");
                long versions =
                        TopicAdmin.endOffsets(admin, catalog.policy().name(), Duration.ofSeconds(30)).values().stream()
                                .mapToLong(Long::longValue)
                                .sum();
                assertEquals(4, versions, "v1..v4 published once each");
            }
        } finally {
            if (learner != null) {
                learner.destroyForcibly();
            }
            signal("CONT", broker);
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    /** The address the broker prints on its own line of stdout once it is up. */
    private static String bootstrapOf(Process broker, Path log) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(broker.isAlive(), () -> "broker exited: " + read(log));
            Optional<String> line;
            try (Stream<String> lines = Files.lines(log)) {
                line = lines.filter(l -> l.matches("127\\.0\\.0\\.1:\\d+")).findFirst();
            }
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the broker did not start: " + read(log));
    }

    /** Sends SIGSTOP or SIGCONT to {@code p} (Java has no API for them). */
    private static void signal(String name, Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid()))
                .inheritIO()
                .start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
