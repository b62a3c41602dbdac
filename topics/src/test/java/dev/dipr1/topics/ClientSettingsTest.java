package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientSettingsTest {

    @Test
    void fileAndEnvironmentSettingsReachTheClientsWithEnvironmentWinning(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file,
                "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
                        + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"a\" password=\"s3cret\";\n");
        ClientSettings s = ClientSettings.of(
                "h:9092", file, Map.of("DIPR1_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256", "HOME", "/root"));
        Map<String, Object> m = s.asMap();
        assertEquals("h:9092", m.get("bootstrap.servers"));
        assertEquals("SASL_SSL", m.get("security.protocol"));
        assertEquals("SCRAM-SHA-256", m.get("sasl.mechanism"));
        assertFalse(m.containsKey("home"));
    }

    @Test
    void secretsNeverAppearInTheRedactedView(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(
                file, "ssl.truststore.password=hunter2\nsasl.jaas.config=x password=\"s3cret\";\nssl.key.password=k\n");
        ClientSettings s = ClientSettings.of("h:9092", file, Map.of());
        String shown = s.redacted().toString() + s;
        assertFalse(shown.contains("hunter2"), shown);
        assertFalse(shown.contains("s3cret"), shown);
        assertTrue(shown.contains("ssl.truststore.password=[hidden]"), shown);
    }

    @Test
    void missingBootstrapServersSaysWhatToPass() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientSettings.of(" "));
        assertTrue(e.getMessage().contains("--bootstrap-servers"), e.getMessage());
    }

    @Test
    void theKafkaTimeoutIsSixtySecondsUnlessSetWithinItsBounds() {
        ClientSettings s = ClientSettings.of("h:9092");
        assertEquals(java.time.Duration.ofSeconds(60), s.timeout());
        assertEquals(
                java.time.Duration.ofMinutes(3),
                s.withTimeout(java.time.Duration.ofMinutes(3)).timeout());
        IllegalArgumentException low =
                assertThrows(IllegalArgumentException.class, () -> s.withTimeout(java.time.Duration.ofSeconds(4)));
        assertTrue(low.getMessage().contains("--kafka-timeout must be in [5, 3600] s, was 4"), low.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.withTimeout(java.time.Duration.ofHours(2)));
    }
}
