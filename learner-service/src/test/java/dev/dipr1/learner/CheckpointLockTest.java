package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLockTest {

    @Test
    void aSecondLearnerOnTheSameCheckpointIsRefusedUntilTheFirstLetsGo(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("learner.ckpt");
        try (CheckpointLock first = CheckpointLock.acquire(checkpoint)) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> CheckpointLock.acquire(checkpoint));
            assertTrue(
                    e.getMessage().contains("another learner is using the checkpoint " + checkpoint), e.getMessage());
            assertTrue(e.getMessage().contains("--learner-checkpoint"), e.getMessage());
        }
        try (CheckpointLock again = CheckpointLock.acquire(checkpoint)) {
            assertTrue(again != null, "free again once the first learner closed it");
        }
    }

    @Test
    void learnersOnDifferentCheckpointsDoNotBlockEachOther(@TempDir Path dir) throws Exception {
        try (CheckpointLock a = CheckpointLock.acquire(dir.resolve("a.ckpt"));
                CheckpointLock b = CheckpointLock.acquire(dir.resolve("b.ckpt"))) {
            assertTrue(a != b);
        }
    }
}
