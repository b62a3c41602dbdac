package dev.dipr1.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running parts of a loop (threads of this JVM or child processes), watched together: {@link
 * #check()} fails naming the first part that died, and {@link #close()} asks every part to stop,
 * then waits for each, so a failed run leaves no thread or process behind.
 */
public final class Components implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Components.class);
    private static final long JOIN_MILLIS = 60_000;

    private final List<Part> parts = new ArrayList<>();

    /** One watched part: how to tell it died, and how to stop it. */
    private interface Part {
        String name();

        /** Why the part is no longer running as it should, or null while it is fine. */
        String failure();

        void requestStop();

        void awaitStopped() throws InterruptedException;

        boolean isAlive();
    }

    /**
     * Runs {@code body} on a daemon thread named {@code name}; {@code stop} asks it to return. A body
     * that throws is a failure; one that returns (e.g. a learner at its step limit) is not.
     */
    public synchronized void startThread(String name, Runnable body, Runnable stop) {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (Throwable e) { // recorded for check(), which names this component
                        thrown.set(e);
                        LOG.error("{} failed", name, e);
                    }
                },
                name);
        t.setDaemon(true);
        parts.add(new ThreadPart(name, t, stop, thrown));
        t.start();
    }

    /** Watches a started child process: one that exits before {@link #close()} is a failure. */
    public synchronized void watchProcess(String name, Process process, Path log) {
        parts.add(new ProcessPart(name, process, log));
    }

    /**
     * Watches a part that runs its own threads and is closed by its owner (e.g. a Kafka Streams
     * instance): {@code failure} says why it is no longer running, or returns null while it is fine.
     */
    public synchronized void watch(String name, Supplier<String> failure) {
        parts.add(new WatchedPart(name, failure));
    }

    /** Throws IllegalStateException naming the first part that died, with its cause. */
    public synchronized void check() {
        for (Part p : parts) {
            String failure = p.failure();
            if (failure != null) {
                Throwable cause = p instanceof ThreadPart t ? t.thrown.get() : null;
                throw new IllegalStateException("component " + p.name() + " " + failure, cause);
            }
        }
    }

    /** Whether any part is still running. */
    public synchronized boolean anyAlive() {
        return parts.stream().anyMatch(Part::isAlive);
    }

    /** Asks every part to stop, in start order, then waits for each; a thread that will not stop is interrupted. */
    @Override
    public synchronized void close() {
        parts.forEach(Part::requestStop);
        for (Part p : parts) {
            try {
                p.awaitStopped();
            } catch (InterruptedException e) {
                // every part was asked to stop; keep the interrupt for the caller rather than wait on
                Thread.currentThread().interrupt();
                LOG.warn("interrupted while waiting for {} to stop", p.name());
                return;
            }
        }
    }

    private record ThreadPart(String name, Thread thread, Runnable stopper, AtomicReference<Throwable> thrown)
            implements Part {

        @Override
        public String failure() {
            Throwable e = thrown.get();
            return e == null ? null : "failed: " + e;
        }

        @Override
        public void requestStop() {
            try {
                stopper.run();
            } catch (RuntimeException e) {
                LOG.warn("stopping {}: {}", name, e.toString());
            }
        }

        @Override
        public void awaitStopped() throws InterruptedException {
            thread.join(JOIN_MILLIS);
            if (thread.isAlive()) {
                LOG.warn("{} did not stop within {} s; interrupting it", name, JOIN_MILLIS / 1000);
                thread.interrupt();
                thread.join(JOIN_MILLIS);
            }
        }

        @Override
        public boolean isAlive() {
            return thread.isAlive();
        }
    }

    private record WatchedPart(String name, Supplier<String> why) implements Part {

        @Override
        public String failure() {
            return why.get();
        }

        @Override
        public void requestStop() {} // its owner closes it

        @Override
        public void awaitStopped() {}

        @Override
        public boolean isAlive() {
            return false; // not ours to account for
        }
    }

    private static final class ProcessPart implements Part {
        private final String name;
        private final Process process;
        private final Path log;
        private volatile boolean stopping;

        ProcessPart(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String failure() {
            return stopping || process.isAlive()
                    ? null
                    : "exited early (exit " + process.exitValue() + "); see its log " + log;
        }

        @Override
        public void requestStop() {
            stopping = true;
            process.destroy(); // SIGTERM: each service stops through its shutdown hook
        }

        @Override
        public void awaitStopped() throws InterruptedException {
            if (!process.waitFor(JOIN_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(JOIN_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }
    }
}
