package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.schemas.PolicyUpdate;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyUpdateValidatorTest {

    private static final String SHA = "ab".repeat(32);
    private static final long JUMP = 1000;
    private static final long MAX_BYTES = 1 << 20;

    @TempDir
    Path dir;

    private static PolicyUpdate.Builder inline(long version, int bytes) {
        return PolicyUpdate.newBuilder()
                .setVersion(version)
                .setStep(version * 10)
                .setCheckpointFormat("dipr1-policy/1")
                .setWeights(ByteBuffer.wrap(new byte[bytes]))
                .setWeightsUri(null)
                .setSha256(SHA)
                .setSizeBytes(bytes)
                .setCreatedAtMs(Instant.ofEpochMilli(1));
    }

    private static Optional<String> problem(PolicyUpdate u, long newest) {
        return PolicyUpdateValidator.recordProblem(u, newest, JUMP, MAX_BYTES);
    }

    @Test
    void theNextVersionAndAPlausibleJumpAreAccepted() {
        assertEquals(Optional.empty(), problem(inline(6, 10).build(), 5));
        assertEquals(Optional.empty(), problem(inline(5 + JUMP, 10).build(), 5));
        assertEquals(Optional.empty(), problem(inline(JUMP, 10).build(), -1), "the first update after none");
    }

    @Test
    void theLargestVersionIsAnImplausibleJump() {
        String why = problem(inline(Long.MAX_VALUE, 10).build(), 5).orElseThrow();
        assertTrue(why.contains("" + Long.MAX_VALUE) && why.contains("largest plausible jump"), why);
        assertTrue(problem(inline(6 + JUMP, 10).build(), 5).isPresent(), "one past the jump");
    }

    @Test
    void negativeVersionsAreRefused() {
        assertTrue(problem(inline(-1, 10).build(), -1).orElseThrow().contains("negative"));
        assertTrue(problem(inline(Long.MIN_VALUE, 10).build(), 5).isPresent());
    }

    @Test
    void sizesOutsideTheCapOrDisagreeingWithTheWeightsAreRefused() {
        assertTrue(problem(inline(6, 10).setSizeBytes(-1).build(), 5).isPresent());
        assertTrue(problem(inline(6, 10).setSizeBytes(MAX_BYTES + 1).build(), 5).isPresent());
        assertTrue(
                problem(inline(6, 10).setSizeBytes(11).build(), 5).orElseThrow().contains("inline bytes"));
    }

    @Test
    void anUpdateWithoutWeightsOrHashIsRefused() {
        assertTrue(
                problem(inline(6, 10).setWeights(null).build(), 5).orElseThrow().contains("neither"));
        assertTrue(
                problem(inline(6, 10).setSha256("00").build(), 5).orElseThrow().contains("SHA-256"));
    }

    @Test
    void anUpdateByUriIsCheckedAgainstTheWeightsDirectory() throws Exception {
        Path file = Files.write(dir.resolve("policy-v6.ckpt"), new byte[10]);
        PolicyUpdateValidator v = new PolicyUpdateValidator(JUMP, new WeightsFiles(dir, MAX_BYTES));
        PolicyUpdate byUri = inline(6, 10)
                .setWeights(null)
                .setWeightsUri(file.toUri().toString())
                .build();
        assertEquals(Optional.empty(), v.problem(byUri, 5));
        PolicyUpdate zero =
                PolicyUpdate.newBuilder(byUri).setWeightsUri("file:///dev/zero").build();
        assertTrue(v.problem(zero, 5).orElseThrow().contains("outside"));
        PolicyUpdate huge = inline(Long.MAX_VALUE, 10).build();
        assertTrue(v.problem(huge, 5).isPresent(), "the record checks come first");
    }
}
