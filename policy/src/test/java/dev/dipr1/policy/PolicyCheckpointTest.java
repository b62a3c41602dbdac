package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCheckpointTest {

    static float[] logProbs(Policy p, List<Scene> scenes) {
        float[][] images = scenes.stream().map(Scene::pixelsChw).toArray(float[][]::new);
        int[][] targets = scenes.stream()
                .map(s -> TargetTemplate.of(s).tokens(p.tokenizer()))
                .toArray(int[][]::new);
        try (NDManager m = NDManager.newBaseManager()) {
            return p.tokenLogProbs(m, images, targets, 1f).toFloatArray();
        }
    }

    @Test
    void roundTripGivesIdenticalLogProbs(@TempDir Path dir) throws Exception {
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 1L, 0, 3);
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 11)) {
            p.setVersion(42);
            float[] before = logProbs(p, scenes);
            Path file = dir.resolve("policy.ckpt");
            p.save(file);
            try (Policy q = Policy.load(file, PolicyConfig.tiny());
                    Policy r = Policy.fromBytes(p.toBytes());
                    Policy c = p.copy()) {
                assertEquals(42, q.version());
                assertEquals(p.parameterCount(), q.parameterCount());
                assertArrayEquals(before, logProbs(q, scenes));
                assertArrayEquals(before, logProbs(r, scenes));
                assertArrayEquals(before, logProbs(c, scenes));
                // the copy is independent
                c.parameters().get(0).addi(1f);
                assertArrayEquals(before, logProbs(p, scenes));
                assertNotEquals(before[0], logProbs(c, scenes)[0]);
            }
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "no temporary file left behind");
            }
        }
    }

    @Test
    void seedsDecideTheInitialWeights() {
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, 1L, 0, 1);
        try (Policy a = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy b = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy c = Policy.initialise(PolicyConfig.tiny(), 2)) {
            assertArrayEquals(logProbs(a, scenes), logProbs(b, scenes));
            assertNotEquals(logProbs(a, scenes)[0], logProbs(c, scenes)[0]);
        }
    }

    @Test
    void defaultArchitectureHasAboutOnePointFourMillionParameters() {
        try (Policy p = Policy.initialise(PolicyConfig.defaults(), 1)) {
            assertTrue(p.parameterCount() > 1_200_000 && p.parameterCount() < 1_600_000, "" + p.parameterCount());
        }
    }

    @Test
    void incompatibleCheckpointsAreRefusedWithTheDifference() {
        PolicyConfig other = new PolicyConfig(64, 8, 4, 48, 2, 64, 1, 1, 96);
        byte[] bytes;
        try (Policy p = Policy.initialise(other, 1)) {
            bytes = p.toBytes();
        }
        IncompatibleCheckpointException e =
                assertThrows(IncompatibleCheckpointException.class, () -> Policy.fromBytes(bytes, PolicyConfig.tiny()));
        assertEquals("checkpoint d_model=48 but code expects d_model=32", e.getMessage());

        byte[] badVersion = bytes.clone();
        ByteBuffer.wrap(badVersion).putInt(Policy.MAGIC.length(), 7);
        e = assertThrows(IncompatibleCheckpointException.class, () -> Policy.fromBytes(badVersion));
        assertEquals("checkpoint format version 7 but code reads format version 1", e.getMessage());

        byte[] notOne = "hello, world, this is no checkpoint".getBytes();
        e = assertThrows(IncompatibleCheckpointException.class, () -> Policy.fromBytes(notOne));
        assertTrue(e.getMessage().contains("not a DIP-R1 policy checkpoint"), e.getMessage());

        byte[] corrupt = bytes.clone();
        corrupt[corrupt.length / 2] ^= 1;
        e = assertThrows(IncompatibleCheckpointException.class, () -> Policy.fromBytes(corrupt));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void optimizerStateRoundTrips() {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 3);
                AdamW a = AdamW.defaults();
                AdamW b = AdamW.defaults()) {
            SftTrainerTest.trainSteps(p, a, 2);
            b.restore(a.stateBytes());
            assertEquals(a.steps(), b.steps());
            assertArrayEquals(a.stateBytes(), b.stateBytes());
        }
    }

    @Test
    void truncatedOptimizerStateIsRefusedAndLeavesTheStateAsItWas() {
        try (AdamW a = AdamW.defaults();
                AdamW b = AdamW.defaults()) {
            byte[] state = PolicyGoldenTest.smallAdamWState(a);
            byte[] before = b.stateBytes();
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> b.restore(java.util.Arrays.copyOf(state, state.length - 3)));
            assertTrue(e.getMessage().startsWith("truncated AdamW state"), e.getMessage());
            assertArrayEquals(before, b.stateBytes());
            assertEquals(0, b.steps());
            assertThrows(IllegalArgumentException.class, () -> b.restore(Policy.MAGIC.getBytes()));
        }
    }
}
