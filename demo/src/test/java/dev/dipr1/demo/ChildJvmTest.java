package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.DjlEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    /** A stand-in for {@code dipr1}: prints its arguments, exits with the first one. */
    public static final class Echo {
        public static void main(String[] args) {
            System.out.println(
                    "args " + String.join(" ", args) + " threads " + System.getProperty("ai.djl.pytorch.num_threads"));
            System.exit(Integer.parseInt(args[0]));
        }
    }

    /** A stand-in for {@code dipr1 chaos}: starts a child JVM that sleeps, writes its pid to args[0], sleeps. */
    public static final class Parent {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            Process child = new ChildJvm(Sleeper.class.getName()).start("sleeper", List.of(), dir.resolve("child.log"));
            Files.writeString(dir.resolve("child.pid"), Long.toString(child.pid()));
            Thread.sleep(120_000);
        }
    }

    /** Sleeps for two minutes. */
    public static final class Sleeper {
        public static void main(String[] args) throws Exception {
            Thread.sleep(120_000);
        }
    }

    @Test
    void whenTheParentIsTerminatedItsChildJvmsEndToo(@TempDir Path dir) throws Exception {
        Process parent =
                new ChildJvm(Parent.class.getName()).start("parent", List.of(dir.toString()), dir.resolve("p.log"));
        Path pidFile = dir.resolve("child.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(pidFile), "the parent started its child");
        ProcessHandle child = ProcessHandle.of(
                        Long.parseLong(Files.readString(pidFile).strip()))
                .orElseThrow();

        parent.destroy(); // SIGTERM, as Ctrl-C or an orchestrator's stop
        assertTrue(parent.waitFor(30, TimeUnit.SECONDS));

        assertTrue(child.onExit().get(30, TimeUnit.SECONDS) != null && !child.isAlive(), "the child JVM ended");
    }

    @Test
    void theCommandRunsTheMainClassOnThisClassPathWithTheArgumentsLast() {
        List<String> cmd =
                new ChildJvm("dev.dipr1.launcher.Dipr1").command(List.of("-Dx=1"), List.of("sft", "--seed", "2"));

        assertTrue(cmd.get(0).endsWith("java"), cmd.get(0));
        assertEquals(
                List.of(
                        "-Xmx3g",
                        "-Dx=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.dipr1.launcher.Dipr1",
                        "sft",
                        "--seed",
                        "2"),
                cmd.subList(1, cmd.size()));
    }

    @Test
    void aServiceLogsToItsFileWithOneLibtorchThread(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("learner.log");
        Process p = new ChildJvm(Echo.class.getName()).start("learner", List.of("0", "learner", "--x"), log);

        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals("args 0 learner --x threads 1", Files.readString(log).strip());
    }

    @Test
    void aRunGetsThisJvmsLibtorchThreadCount() {
        List<String> cmd = new ChildJvm("dev.dipr1.launcher.Dipr1").runCommand(List.of("sft"));
        assertTrue(
                cmd.contains("-Dai.djl.pytorch.num_threads=" + DjlEnvironment.intraOpThreads()),
                "the count is passed on, not left to the child: " + cmd);
    }

    @Test
    void aRunKeepsTheCountThisJvmHadWhenTheChildJvmWasMade() {
        String key = "ai.djl.pytorch.num_threads";
        String before = System.getProperty(key);
        try {
            System.setProperty(key, "3");
            ChildJvm jvm = new ChildJvm("dev.dipr1.launcher.Dipr1");
            System.setProperty(key, "1"); // what DemoRun sets for its in-process generator and learner
            assertEquals(3, jvm.runThreads());
            assertTrue(
                    jvm.runCommand(List.of("sft")).contains("-D" + key + "=3"),
                    "SFT keeps the user's count, not the services' one");
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void aFailedRunNamesWhatFailedAndTheExitCode() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> new ChildJvm(Echo.class.getName()).run("SFT", List.of("3", "sft")));
        assertTrue(e.getMessage().startsWith("SFT failed (exit 3)"), e.getMessage());
    }
}
