package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.SampleRecords;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The advantages topic read by a non-Java client (Python confluent-kafka) and decoded by another
 * Avro library (Python avro) using only the .avsc files: examples/read_advantages.py.
 */
class PythonInteropIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void pythonReaderDecodesTheAdvantagesTopic() throws Exception {
        assumeTrue(pythonHasModules(), "Debian's python3-confluent-kafka and python3-avro are not installed");
        TopicCatalog catalog = TopicCatalog.withPrefix("interop.");
        ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        try (KafkaProducer<String, ScoredGroup> p = new KafkaProducer<>(
                kafka.asMap(),
                catalog.advantages().keySerde().serializer(),
                catalog.advantages().valueSerde().serializer())) {
            for (int i = 0; i < 3; i++) {
                p.send(new ProducerRecord<>(catalog.advantages().name(), "g" + i, SampleRecords.scoredGroup("g" + i)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        Process py = new ProcessBuilder(
                        PYTHON,
                        ROOT.resolve("examples/read_advantages.py").toString(),
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        catalog.advantages().name(),
                        "--timeout",
                        "60")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(py.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, py.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(3, lines.size(), out);
        for (int i = 0; i < 3; i++) {
            String g = "g" + i;
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.contains("\"group_id\": \"" + g + "\"")
                                    && l.contains("\"advantages\": [0.0]")
                                    && l.contains("\"policy_version\": 3")),
                    out);
        }
    }

    static boolean pythonHasModules() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka, avro.io")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
