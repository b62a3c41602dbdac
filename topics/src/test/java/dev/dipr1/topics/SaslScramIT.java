package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standard Kafka security settings reach the clients unchanged, and never the logs. */
class SaslScramIT {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder()
                .optSaslScram("admin", "admin-secret")
                .optScramCredential("SCRAM-SHA-256=[name=alice,password=alice-secret]")
                .build()
                .start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void authenticatedClientCreatesTheTopics(@TempDir Path dir) throws Exception {
        ClientSettings settings =
                ClientSettings.of(broker.bootstrapServers(), properties(dir, "alice-secret"), Map.of());
        assertFalse(settings.toString().contains("alice-secret"), "secrets never printed: " + settings);
        try (Admin admin = Admin.create(settings.asMap())) {
            List<TopicAdmin.TopicStatus> created = new TopicAdmin(admin, (short) 1)
                    .ensure(TopicCatalog.withPrefix("sasl.").all());
            assertEquals(6, created.size());
        }
    }

    @Test
    void wrongPasswordGetsAClearError(@TempDir Path dir) throws Exception {
        ClientSettings settings = ClientSettings.of(broker.bootstrapServers(), properties(dir, "wrong"), Map.of());
        Map<String, Object> config = new java.util.HashMap<>(settings.asMap());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(config)) {
            IllegalStateException e = assertThrows(
                    IllegalStateException.class,
                    () -> new TopicAdmin(admin, (short) 1)
                            .ensure(TopicCatalog.withPrefix("sasl-bad.").all()));
            assertTrue(e.getMessage().contains("Authentication failed"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong\""), "the password is not echoed");
        }
    }

    @Test
    void environmentVariablesCarryTheSameSettings() {
        ClientSettings settings = ClientSettings.of(
                broker.bootstrapServers(),
                null,
                Map.of(
                        "DIPR1_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                        "DIPR1_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                        "DIPR1_KAFKA_SASL_JAAS_CONFIG", jaas("alice-secret")));
        try (Admin admin = Admin.create(settings.asMap())) {
            assertEquals(
                    6,
                    new TopicAdmin(admin, (short) 1)
                            .ensure(TopicCatalog.withPrefix("sasl-env.").all())
                            .size());
        }
        assertTrue(settings.redacted().get("sasl.jaas.config").equals("[hidden]"));
    }

    private static Path properties(Path dir, String password) throws Exception {
        Path f = dir.resolve("client.properties");
        Files.writeString(
                f,
                "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-256\nsasl.jaas.config="
                        + jaas(password).replace("\\", "\\\\") + "\n");
        return f;
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\""
                + password + "\";";
    }
}
