package dev.dipr1.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

    @Test
    void startsServesAndStopsTwiceInOneJvm() throws Exception {
        for (int round = 0; round < 2; round++) {
            try (EmbeddedKafkaBroker broker =
                    EmbeddedKafkaBroker.builder().build().start()) {
                String topic = "roundtrip-" + round;
                produceAndConsume(broker.bootstrapServers(), topic, "hello-" + round);
            }
        }
    }

    @Test
    void keepsTopicsInAGivenDataDirectoryAcrossRestarts(@TempDir Path dir) throws Exception {
        int port;
        try (EmbeddedKafkaBroker broker =
                EmbeddedKafkaBroker.builder().optDataDir(dir).build().start()) {
            port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
            try (Admin admin = admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(Files.exists(dir.resolve("logs").resolve("meta.properties")), "data directory kept");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .optDataDir(dir)
                .optPort(port)
                .build()
                .start()) {
            try (Admin admin = admin(broker.bootstrapServers())) {
                Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(names.contains("kept"), "topic survived the restart: " + names);
            }
        }
    }

    @Test
    void theConfigurationWithTheSaslPasswordIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .optDataDir(dir)
                .optSaslScram("admin", "admin-secret")
                .build()
                .start()) {
            Path config = broker.dataDir().resolve("server.properties");
            assertTrue(Files.readString(config).contains("admin-secret"), "the file this test is about");
            assertEquals(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(config));
        }
    }

    @Test
    void aBusyPortGivesAClearError() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().build().start()) {
            int port = Integer.parseInt(first.bootstrapServers().split(":")[1]);
            EmbeddedKafkaBroker second =
                    EmbeddedKafkaBroker.builder().optPort(port).build();
            IllegalStateException e = assertThrows(IllegalStateException.class, second::start);
            assertTrue(e.getMessage().contains("--port"), e.getMessage());
            second.close();
        }
    }

    @Test
    void testClusterIsShared() {
        String a = KafkaTestCluster.bootstrapServers();
        assertEquals(a, KafkaTestCluster.bootstrapServers());
        assertNotEquals("", a);
    }

    private static void produceAndConsume(String bootstrap, String topic, String value) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "g-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    assertEquals(value, records.iterator().next().value());
                    return;
                }
            }
            throw new AssertionError("no record consumed from " + topic);
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
