package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.common.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
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
    void roundTripsTheAppliedPrompts(@TempDir Path dir) throws Exception {
        Map<Integer, List<AppliedPromptOffsets.Interval>> prompts = Map.of(
                0,
                List.of(
                        new AppliedPromptOffsets.Interval(0, 20_000),
                        new AppliedPromptOffsets.Interval(20_001, 20_007)),
                3,
                List.of(new AppliedPromptOffsets.Interval(5, 6)));
        Path f = dir.resolve("learner.ckpt");
        new LearnerCheckpoint(new byte[] {1}, new byte[] {2}, 3, 1, 2, "t", Map.of(0, 9L), List.of("a/e0"), prompts)
                .save(f);
        LearnerCheckpoint back = LearnerCheckpoint.load(f);
        assertEquals(prompts, back.appliedPrompts());
        assertEquals(List.of("a/e0"), back.recentGroupIds());
        assertEquals(Map.of(0, 9L), back.nextOffsets());
    }

    @Test
    void aFormat2CheckpointIsStillReadWithNoAppliedPrompts(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("DIPR1LRN");
            out.writeInt(2);
            out.writeLong(12); // step
            out.writeLong(4); // version
            out.writeLong(10); // version step
            out.writeUTF("dipr1.advantages");
            out.writeInt(1);
            out.writeInt(0);
            out.writeLong(17);
            out.writeInt(1);
            out.writeUTF("a/e0");
            out.writeInt(1);
            out.write(7);
            out.writeInt(1);
            out.write(8);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        new DataOutputStream(bytes).writeLong(crc.getValue());
        Path f = dir.resolve("learner.ckpt");
        Files.write(f, bytes.toByteArray());

        LearnerCheckpoint back = LearnerCheckpoint.load(f);

        assertEquals(12, back.step());
        assertEquals(10, back.versionStep());
        assertEquals(Map.of(0, 17L), back.nextOffsets());
        assertEquals(List.of("a/e0"), back.recentGroupIds());
        assertEquals(Map.of(), back.appliedPrompts());
        assertArrayEquals(new byte[] {7}, back.policy());
        assertArrayEquals(new byte[] {8}, back.optimizer());
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

    @Test
    void remembersTheStepItsVersionWasCutAt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("learner.ckpt");
        new LearnerCheckpoint(new byte[] {1}, new byte[] {2}, 7, 3, 7, "t", Map.of(), List.of()).save(f);
        LearnerCheckpoint atPublish = LearnerCheckpoint.load(f);
        assertEquals(7, atPublish.versionStep());
        assertTrue(atPublish.holdsUnconfirmedPublish(), "written at the publish of v3, before it");
        new LearnerCheckpoint(new byte[] {1}, new byte[] {2}, 8, 3, 7, "t", Map.of(), List.of()).save(f);
        assertFalse(LearnerCheckpoint.load(f).holdsUnconfirmedPublish(), "v3 went out before step 8");
        new LearnerCheckpoint(new byte[] {1}, new byte[] {2}, 0, 0, 0, "t", Map.of(), List.of()).save(f);
        assertFalse(LearnerCheckpoint.load(f).holdsUnconfirmedPublish(), "v0 is the initial policy");
    }

    @Test
    void orphanTemporaryFilesOfACrashedSaveAreRemovedAndNothingElse(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("learner.ckpt");
        new LearnerCheckpoint(new byte[] {1}, new byte[] {2}, 1, 1, "t", Map.of(), List.of()).save(f);
        Path orphan1 = dir.resolve(AtomicFiles.tempPrefix(f) + "0b1e5c2a.tmp");
        Path orphan2 = dir.resolve(AtomicFiles.tempPrefix(f) + "77.tmp");
        Path other = dir.resolve(AtomicFiles.tempPrefix(dir.resolve("policy.ckpt")) + "1.tmp");
        Path notTmp = dir.resolve(AtomicFiles.tempPrefix(f) + "notes");
        for (Path p : List.of(orphan1, orphan2, other, notTmp)) {
            Files.write(p, new byte[] {9});
        }
        assertEquals(2, LearnerCheckpoint.removeOrphanTemporaryFiles(f));
        assertFalse(Files.exists(orphan1));
        assertFalse(Files.exists(orphan2));
        assertTrue(Files.exists(f), "the checkpoint itself stays");
        assertTrue(Files.exists(other), "another file's temporary stays");
        assertTrue(Files.exists(notTmp));
        assertEquals(0, LearnerCheckpoint.removeOrphanTemporaryFiles(dir.resolve("missing/learner.ckpt")));
    }
}
