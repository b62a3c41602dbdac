package dev.dipr1.broker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The broker of an integration-test JVM: a Testcontainers Kafka container when a Docker engine
 * is available, else the embedded KRaft broker. Started once, on first use, and stopped when
 * the JVM exits.
 */
public final class KafkaTestCluster {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestCluster.class);
    private static final String IMAGE = "apache/kafka:4.1.0";
    private static String bootstrapServers;

    private KafkaTestCluster() {}

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = dockerAvailable() ? startContainer() : startEmbedded();
        }
        return bootstrapServers;
    }

    static boolean dockerAvailable() {
        if (Boolean.getBoolean("dipr1.test.embeddedOnly")) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String startContainer() {
        KafkaContainer kafka = new KafkaContainer(IMAGE);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "kafka-container-stop"));
        LOG.info("integration tests use a Kafka container at {}", kafka.getBootstrapServers());
        return kafka.getBootstrapServers();
    }

    private static String startEmbedded() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-stop"));
        LOG.info("no Docker engine: integration tests use the embedded broker at {}", broker.bootstrapServers());
        return broker.bootstrapServers();
    }
}
