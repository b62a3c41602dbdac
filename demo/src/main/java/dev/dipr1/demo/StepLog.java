package dev.dipr1.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.dipr1.learner.StepStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

/** Learner steps as JSON Lines: how a learner in another process tells the demo what it did. */
public final class StepLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectReader STEPS = JSON.readerFor(StepStats.class);

    private StepLog() {}

    /** Appends each step as one line of {@code file}. */
    public static Consumer<StepStats> appendingTo(Path file) {
        return s -> {
            try {
                Files.writeString(
                        file,
                        JSON.writeValueAsString(s) + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file, e);
            }
        };
    }

    /** The complete lines written so far (a line being written is skipped); none when the file is missing. */
    public static List<StepStats> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return List.of();
        }
        return List.copyOf(
                STEPS.<StepStats>readValues(text.substring(0, end + 1)).readAll());
    }
}
