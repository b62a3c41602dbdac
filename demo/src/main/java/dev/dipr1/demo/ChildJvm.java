package dev.dipr1.demo;

import dev.dipr1.policy.DjlEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@code dipr1} commands in child JVMs on this JVM's class path: SFT runs (waited for, on
 * this terminal) and the services of {@code demo --processes} (started, logging to a file).
 */
public final class ChildJvm {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    private static final AtomicBoolean REAPER = new AtomicBoolean();

    private final String mainClass;
    private final int runThreads;

    /** @param mainClass the {@code dipr1} entry point, e.g. {@code dev.dipr1.launcher.Dipr1} */
    public ChildJvm(String mainClass) {
        this.mainClass = mainClass;
        // Read now: a demo later sets this JVM's count to 1 for its in-process services; SFT must not inherit that.
        this.runThreads = DjlEnvironment.intraOpThreads();
    }

    /**
     * The libtorch threads of a {@link #run} child: this JVM's {@code ai.djl.pytorch.num_threads} when this object was
     * made, else every core.
     */
    public int runThreads() {
        return runThreads;
    }

    /**
     * When this JVM ends (Ctrl-C or SIGTERM included), so do the JVMs it started: a stopped {@code dipr1 chaos} left
     * its broker, learner, generators and reward instances running, and a stopped study its SFT run.
     */
    private static void reapChildrenOnExit() {
        if (REAPER.compareAndSet(false, true)) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly),
                            "child-jvm-reaper"));
        }
    }

    /**
     * Runs {@code dipr1 args} on this terminal with {@link #runThreads()} libtorch threads; fails naming
     * {@code what}.
     */
    public void run(String what, List<String> args) throws IOException, InterruptedException {
        LOG.info("{}: running dipr1 {}", what, String.join(" ", args));
        reapChildrenOnExit();
        Process p = new ProcessBuilder(runCommand(args)).inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(what + " failed (exit " + rc + "): dipr1 " + String.join(" ", args));
        }
    }

    /**
     * Starts {@code dipr1 args} with stdout and stderr going to {@code log}, one libtorch thread (three
     * service JVMs share two cores).
     */
    public Process start(String name, List<String> args, Path log) throws IOException {
        return start(name, List.of(), args, log);
    }

    /** As {@link #start(String, List, Path)}, with extra JVM options (e.g. {@code -D} properties of a test). */
    public Process start(String name, List<String> jvmOptions, List<String> args, Path log) throws IOException {
        LOG.info("starting {} (log {}): dipr1 {}", name, log, String.join(" ", args));
        reapChildrenOnExit();
        List<String> options = new ArrayList<>(List.of("-Dai.djl.pytorch.num_threads=1"));
        options.addAll(jvmOptions);
        return new ProcessBuilder(command(options, args))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** The command of {@link #run}: the thread count is passed on, so what it trains is what a cache key says. */
    List<String> runCommand(List<String> args) {
        return command(List.of("-Dai.djl.pytorch.num_threads=" + runThreads), args);
    }

    List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx3g");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
