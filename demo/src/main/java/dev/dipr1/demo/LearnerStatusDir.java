package dev.dipr1.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.common.AtomicFiles;
import dev.dipr1.learner.LearnerService;
import dev.dipr1.learner.StepStats;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a learner in another JVM writes for the demo that started it ({@code demo --processes}):
 * {@code ready} once it has taken its start position, {@code steps.jsonl} one line per step, and
 * {@code counters.json} its drop counters after every step and once more when it stops.
 */
public final class LearnerStatusDir {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerStatusDir.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    public LearnerStatusDir(Path dir) {
        this.dir = dir;
    }

    public Path readyFile() {
        return dir.resolve("ready");
    }

    public Path historyFile() {
        return dir.resolve("steps.jsonl");
    }

    public Path countersFile() {
        return dir.resolve("counters.json");
    }

    /** Creates the directory and removes what an earlier run left in it. */
    public void reset() throws IOException {
        Files.createDirectories(dir);
        for (Path f : List.of(readyFile(), historyFile(), countersFile())) {
            Files.deleteIfExists(f);
        }
    }

    public boolean isReady() {
        return Files.exists(readyFile());
    }

    /** After each step: its line in the history, then the counters as they are now. */
    public Consumer<StepStats> recorder(MeterRegistry registry) {
        Consumer<StepStats> history = StepLog.appendingTo(historyFile());
        return step -> {
            history.accept(step);
            writeCounters(LearnerCounters.of(registry));
        };
    }

    /** Replaces the counters file whole: a learner killed mid-write leaves the previous counters, not a torn file. */
    public void writeCounters(LearnerCounters counters) {
        try {
            AtomicFiles.write(countersFile(), JSON.writeValueAsBytes(counters));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + countersFile(), e);
        }
    }

    /** On a daemon thread: creates the ready file once {@code learner} has taken its start position. */
    public void announceReady(LearnerService learner) {
        Thread t = new Thread(
                () -> {
                    try {
                        if (learner.awaitPositioned(Duration.ofMinutes(5))) {
                            Files.createDirectories(dir);
                            Files.writeString(readyFile(), "ready\n");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException e) {
                        LOG.error("cannot write {}: {}", readyFile(), e.toString());
                    }
                },
                "learner-ready");
        t.setDaemon(true);
        t.start();
    }

    /** The steps written so far. */
    public List<StepStats> history() throws IOException {
        return StepLog.read(historyFile());
    }

    /** The counters last written; {@link LearnerCounters#NONE} before the first. */
    public LearnerCounters counters() throws IOException {
        if (!Files.exists(countersFile())) {
            return LearnerCounters.NONE;
        }
        return JSON.readValue(countersFile().toFile(), LearnerCounters.class);
    }
}
