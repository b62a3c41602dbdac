package dev.dipr1.launcher;

import dev.dipr1.demo.KafkaConnection;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The Kafka connection options every service shares. */
public final class KafkaOptions {

    /** What to do about a --kafka-config that cannot be read. */
    static final String KAFKA_CONFIG_HINT =
            "pass a Java properties file of Kafka client settings, or leave --kafka-config out";

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,HOST:PORT]",
            description = "Kafka to use. Without it, commands that can start the embedded broker do.")
    String bootstrapServers;

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Properties file of extra Kafka client settings (TLS, SASL/SCRAM, ...); "
                    + "DIPR1_KAFKA_<SETTING> environment variables override it.")
    Path kafkaConfig;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = TopicCatalog.DEFAULT_PREFIX,
            description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            defaultValue = "1",
            description = "Replication factor of topics this command creates (default: ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(
            names = "--kafka-timeout",
            paramLabel = "SECONDS",
            description = "How long to wait for Kafka (an acknowledgement, metadata) before giving up; a broker "
                    + "outage shorter than this is waited out (default: ${DEFAULT-VALUE}).")
    long kafkaTimeoutSeconds = ClientSettings.DEFAULT_TIMEOUT.toSeconds();

    public boolean hasBootstrapServers() {
        return bootstrapServers != null && !bootstrapServers.isBlank();
    }

    public ClientSettings settings() {
        return settings(bootstrapServers);
    }

    public ClientSettings settings(String bootstrap) {
        FileArguments.requireFile("--kafka-config", kafkaConfig, KAFKA_CONFIG_HINT);
        return ClientSettings.of(bootstrap, kafkaConfig, System.getenv())
                .withTimeout(Duration.ofSeconds(kafkaTimeoutSeconds));
    }

    /**
     * The Kafka given by --bootstrap-servers, or an embedded broker started now that keeps its data in
     * {@code dataDir} (null: a temporary directory).
     */
    public KafkaConnection connect(Path dataDir) {
        // checked before an embedded broker is started for nothing
        FileArguments.requireFile("--kafka-config", kafkaConfig, KAFKA_CONFIG_HINT);
        return hasBootstrapServers()
                ? KafkaConnection.external(settings())
                : KafkaConnection.embedded(dataDir, this::settings);
    }

    public TopicCatalog catalog() {
        return TopicCatalog.withPrefix(topicPrefix);
    }
}
