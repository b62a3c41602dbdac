package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerCheckpointTest {

    @Test
    void roundTripsEverythingNeededToResume(@TempDir Path dir) throws Exception {
        LearnerCheckpoint c = new LearnerCheckpoint(
                new byte[] {1, 2, 3},
                new byte[] {9},
                12,
                4,
                "dipr1.advantages",
                Map.of(0, 17L, 1, 5L),
                List.of("a/e0", "b/e0"));
        Path f = dir.resolve("learner.ckpt");
        c.save(f);
        LearnerCheckpoint back = LearnerCheckpoint.load(f);
        assertArrayEquals(c.policy(), back.policy());
        assertArrayEquals(c.optimizer(), back.optimizer());
        assertEquals(12, back.step());
        assertEquals(4, back.policyVersion());
        assertEquals(c.nextOffsets(), back.nextOffsets());
        assertEquals(c.recentGroupIds(), back.recentGroupIds());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void corruptFileIsRefusedWithAReason(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("learner.ckpt");
        new LearnerCheckpoint(new byte[] {1}, new byte[] {2}, 1, 1, "t", Map.of(), List.of()).save(f);
        byte[] bytes = Files.readAllBytes(f);
        bytes[10] ^= 1;
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> LearnerCheckpoint.load(f));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }
}
