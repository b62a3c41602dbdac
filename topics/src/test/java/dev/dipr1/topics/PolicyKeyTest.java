package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.serde.SampleRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyKeyTest {

    static final PolicyKey KEY = PolicyKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final PolicyKey OTHER = PolicyKey.of("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));

    @Test
    void aSignedUpdateVerifiesAndNothingElseDoes() {
        PolicyUpdate u = SampleRecords.policyUpdate(7);
        RecordHeaders h = new RecordHeaders();
        KEY.sign(u, h);
        assertEquals(Optional.empty(), KEY.problem(u, h));

        assertTrue(KEY.problem(u, new RecordHeaders()).orElseThrow().contains("no " + PolicyKey.HEADER));
        assertTrue(OTHER.problem(u, h).orElseThrow().contains("does not match"), "another key");

        PolicyUpdate renumbered = SampleRecords.policyUpdate(8);
        renumbered.setSha256(u.getSha256());
        assertTrue(KEY.problem(renumbered, h).isPresent(), "a signed update replayed under another version");

        PolicyUpdate otherWeights = SampleRecords.policyUpdate(7);
        otherWeights.setSha256("0".repeat(64));
        assertTrue(KEY.problem(otherWeights, h).isPresent(), "other weights under a signed header");
    }

    @Test
    void aMacCarriedAsTextVerifiesLikeTheHeader() {
        PolicyUpdate u = SampleRecords.policyUpdate(7);
        assertEquals(Optional.empty(), KEY.problem(u, KEY.mac(u)));
        assertTrue(KEY.problem(u, OTHER.mac(u)).orElseThrow().contains("does not match"));
        assertTrue(KEY.problem(u, (String) null).orElseThrow().contains("no MAC"));
        assertTrue(KEY.problem(u, "").isPresent());
        PolicyUpdate renumbered = SampleRecords.policyUpdate(8);
        renumbered.setSha256(u.getSha256());
        assertTrue(KEY.problem(renumbered, KEY.mac(u)).isPresent(), "a MAC replayed under another version");
    }

    @Test
    void signingReplacesAnOlderSignature() {
        PolicyUpdate u = SampleRecords.policyUpdate(3);
        RecordHeaders h = new RecordHeaders();
        OTHER.sign(u, h);
        KEY.sign(u, h);
        assertEquals(1, h.toArray().length);
        assertEquals(Optional.empty(), KEY.problem(u, h));
    }

    @Test
    void aKeyFileMustBePrivateAndLongEnough(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.key");
        Files.writeString(file, "0123456789abcdef0123456789abcdef");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyKey.read(file));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PolicyUpdate u = SampleRecords.policyUpdate(1);
        RecordHeaders h = new RecordHeaders();
        PolicyKey.read(file).sign(u, h);
        assertEquals(Optional.empty(), KEY.problem(u, h), "the file's text is the key");

        Files.writeString(file, "short");
        e = assertThrows(IllegalArgumentException.class, () -> PolicyKey.read(file));
        assertTrue(e.getMessage().contains("at least 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyKey.read(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("--policy-key"), e.getMessage());
    }
}
