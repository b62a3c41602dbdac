package dev.dipr1.demo.chaos;

import dev.dipr1.demo.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One service of a chaos run in a child JVM that can be SIGKILLed, SIGSTOPped and started again; each start
 * (incarnation) logs to its own file and may get its own arguments (e.g. the learner's status directory).
 */
final class ChildService {

    private final String name;
    private final ChildJvm jvm;
    private final Path logDir;
    private final IntFunction<List<String>> argsOfIncarnation;
    private Process process;
    private int incarnation;
    private boolean expectedDown;
    private List<String> nextJvmOptions = List.of();

    ChildService(String name, ChildJvm jvm, Path logDir, IntFunction<List<String>> argsOfIncarnation) {
        this.name = name;
        this.jvm = jvm;
        this.logDir = logDir;
        this.argsOfIncarnation = argsOfIncarnation;
    }

    String name() {
        return name;
    }

    int incarnation() {
        return incarnation;
    }

    Path log() {
        return logDir.resolve(name + "-" + incarnation + ".log");
    }

    void start() throws IOException {
        incarnation++;
        expectedDown = false;
        List<String> options = nextJvmOptions;
        nextJvmOptions = List.of();
        process = jvm.start(name + "-" + incarnation, options, argsOfIncarnation.apply(incarnation), log());
    }

    /** Starts again with extra JVM options for this incarnation only (e.g. a test hook). */
    void start(List<String> jvmOptions) throws IOException {
        nextJvmOptions = List.copyOf(jvmOptions);
        start();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL; returns the exit status (137 when the kill did it). */
    int kill() throws InterruptedException {
        expectedDown = true;
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGTERM, then SIGKILL after {@code seconds}; returns the exit status. */
    int stop(int seconds) throws InterruptedException {
        requestStop();
        return awaitStop(seconds);
    }

    /** SIGTERM, without waiting: several services stop at once. */
    void requestStop() throws InterruptedException {
        expectedDown = true;
        if (process != null && process.isAlive()) {
            signal("CONT"); // a stopped process cannot handle SIGTERM
            process.destroy();
        }
    }

    /** Waits up to {@code seconds} for a stop asked by {@link #requestStop()}, then SIGKILLs; the exit status. */
    int awaitStop(int seconds) throws InterruptedException {
        if (process == null) {
            return 0;
        }
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Sends SIGSTOP or SIGCONT (Java has no API for them). */
    void signal(String signal) throws InterruptedException {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + signal + " to " + name, e);
        }
    }

    /** True when the process has exited without this run having stopped or killed it. */
    boolean exitedOnItsOwn() {
        return !expectedDown && process != null && !process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    /** The last line of the current log, for a report of why it exited. */
    String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log());
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
            return "";
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
