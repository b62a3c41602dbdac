package dev.dipr1.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void withoutATerminalThousandsOfUpdatesBecomeAFewPlainLines() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (ProgressBar bar = Progress.plain("SFT", 5000, "steps", lines::add, Duration.ofMillis(200))) {
            for (int i = 1; i <= 5000; i++) {
                bar.stepTo(i);
                if (i % 1000 == 0) {
                    Thread.sleep(100);
                }
            }
        }
        assertFalse(lines.isEmpty(), "at least the final line");
        assertTrue(lines.size() <= 10, "one line per interval, not one per update: " + lines.size());
        for (String line : lines) {
            assertFalse(line.contains("\r"), "no carriage returns in a log: " + line);
        }
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("SFT") && last.contains("5000/5000"), last);
    }
}
