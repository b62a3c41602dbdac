package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.schemas.PolicyUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyUpdatesTest {

    @Test
    void smallCheckpointTravelsInline(@TempDir Path dir) throws Exception {
        byte[] ckpt = {1, 2, 3, 4};
        PolicyUpdate u = PolicyUpdates.create(ckpt, "f/1", 5, 20, 10, dir, 0);
        assertNotNull(u.getWeights());
        assertNull(u.getWeightsUri());
        assertArrayEquals(ckpt, PolicyUpdates.checkpoint(u));
    }

    @Test
    void largeCheckpointGoesToAFileAndIsVerified(@TempDir Path dir) throws Exception {
        byte[] ckpt = new byte[100];
        ckpt[7] = 9;
        PolicyUpdate u = PolicyUpdates.create(ckpt, "f/1", 6, 24, 10, dir, 0);
        assertNull(u.getWeights());
        assertTrue(u.getWeightsUri().startsWith("file:"), u.getWeightsUri());
        assertArrayEquals(ckpt, PolicyUpdates.checkpoint(u));
        // Tampered file: the generator must refuse it.
        Files.write(dir.resolve("policy-v6.ckpt"), new byte[100]);
        IOException e = assertThrows(IOException.class, () -> PolicyUpdates.checkpoint(u));
        assertTrue(e.getMessage().contains("integrity"), e.getMessage());
    }
}
