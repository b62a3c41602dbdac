package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentsTest {

    /** A component that runs until asked to stop, like a generator. */
    static final class Worker {
        final CountDownLatch stop = new CountDownLatch(1);
        volatile Thread thread;

        void run() {
            thread = Thread.currentThread();
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aComponentThatThrowsFailsTheCheckByNameAndCloseStopsTheOthers() throws Exception {
        Worker worker = new Worker();
        RuntimeException boom = new IllegalStateException("disk full");
        Components components = new Components();
        components.startThread("generator-0", worker::run, worker.stop::countDown);
        components.startThread(
                "learner",
                () -> {
                    throw boom;
                },
                () -> {});

        IllegalStateException e = awaitFailure(components);
        assertTrue(e.getMessage().contains("learner"), e.getMessage());
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertSame(boom, e.getCause());
        assertTrue(worker.thread.isAlive(), "the healthy component runs until closed");

        components.close();
        assertFalse(components.anyAlive(), "no thread left behind");
        assertFalse(worker.thread.isAlive());
    }

    @Test
    void aWatchedPartThatStoppedFailsTheCheckByName() throws Exception {
        AtomicReference<String> state = new AtomicReference<>();
        try (Components components = new Components()) {
            components.watch("reward-stream", state::get);
            assertDoesNotThrow(components::check);

            state.set("stopped (Kafka Streams state ERROR)");

            IllegalStateException e = assertThrows(IllegalStateException.class, components::check);
            assertEquals("component reward-stream stopped (Kafka Streams state ERROR)", e.getMessage());
        }
    }

    @Test
    void aComponentThatReturnsIsNotAFailure() throws Exception {
        try (Components components = new Components()) {
            components.startThread("learner", () -> {}, () -> {});
            Thread.sleep(100);
            assertDoesNotThrow(components::check);
        }
    }

    @Test
    void aThreadThatIgnoresStopIsInterrupted() throws Exception {
        Worker stubborn = new Worker();
        Components components = new Components();
        components.startThread("stubborn", stubborn::run, () -> {});
        // the join before the interrupt waits 60 s; interrupting here stands in for it
        Thread.sleep(100);
        stubborn.thread.interrupt();
        components.close();
        assertFalse(components.anyAlive());
    }

    @Test
    void aChildProcessThatExitsEarlyFailsTheCheckByName(@TempDir Path dir) throws Exception {
        Process quitter = new ProcessBuilder(javaBinary(), "-version").start();
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        Components components = new Components();
        components.watchProcess("rewards", sleeper, dir.resolve("rewards.log"));
        components.watchProcess("learner", quitter, dir.resolve("learner.log"));
        assertTrue(quitter.waitFor(30, TimeUnit.SECONDS));

        IllegalStateException e = assertThrows(IllegalStateException.class, components::check);
        assertTrue(e.getMessage().contains("learner") && e.getMessage().contains("exited early"), e.getMessage());
        assertTrue(e.getMessage().contains("learner.log"), "names the log: " + e.getMessage());

        components.close();
        assertFalse(sleeper.isAlive(), "close ends every child");
        assertDoesNotThrow(components::check, "a child stopped by close is not a failure");
    }

    private static IllegalStateException awaitFailure(Components components) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                components.check();
            } catch (IllegalStateException e) {
                return e;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the failure was never reported");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
