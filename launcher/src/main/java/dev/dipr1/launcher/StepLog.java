package dev.dipr1.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.learner.StepStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Learner steps as JSON Lines: how a learner in another process tells the demo what it did. */
final class StepLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StepLog() {}

    static Consumer<StepStats> appendingTo(Path file) {
        return s -> {
            try {
                Files.writeString(file, JSON.writeValueAsString(s) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + file, e);
            }
        };
    }

    /** The complete lines written so far (a line being written is skipped). */
    static List<StepStats> read(Path file) throws IOException {
        List<StepStats> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return out;
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readValue(line, StepStats.class));
            }
        }
        return out;
    }
}
