package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.demo.chaos.ChaosSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 3-minute {@code dipr1 chaos} run, seed 1: every fault kind injected once into the pipeline running as child
 * JVMs on a child-JVM broker, and every check of the verdict passes (exit code 0, nothing lost).
 */
class ChaosIT {

    @Test
    void givenAThreeMinuteChaosRunThenEveryFaultIsInjectedAndEveryCheckPasses(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("chaos");
        int exit = Dipr1.commandLine()
                .execute("chaos", "--minutes", "3", "--seed", "1", "--settle-seconds", "60", "--out", out.toString());

        JsonNode v = new ObjectMapper().readTree(out.resolve("verdict.json").toFile());
        String summary = Files.readString(out.resolve("summary.md"));
        System.out.println(summary); // the measured run, kept in the failsafe report
        assertEquals(0, exit, summary);
        assertTrue(v.get("passed").asBoolean(), summary);
        assertEquals(0, v.get("records_lost").asLong(), summary);
        assertEquals(
                ChaosSchedule.Kind.values().length, v.get("faults_injected").asInt(), summary);
        JsonNode byKind = v.get("faults_by_kind");
        Arrays.stream(ChaosSchedule.Kind.values())
                .forEach(k -> assertEquals(1, byKind.path(k.name()).asInt(), k + " injected once: " + summary));
        for (JsonNode c : v.get("checks")) {
            assertTrue(c.get("passed").asBoolean(), c.toString());
        }
        assertTrue(v.get("checks").size() >= 6, "every check ran");
        // The feed stops 5 s after the last fault is over, so the recovery is the settle time plus about that: a
        // recovery measured from the start of the last fault (a 2-minute broker stop counted as recovery) fails here.
        double recovery = v.get("checks").findValue("seconds_after_last_fault").asDouble();
        assertTrue(recovery <= v.get("settle_seconds").asDouble() + 15, "recovery " + recovery + " s: " + summary);
        JsonNode injected = v.get("checks").findValue("injected");
        assertTrue(injected.asInt() >= 8, "bad records on every topic were injected: " + injected);
    }
}
