package dev.dipr1.launcher;

import dev.dipr1.broker.EmbeddedKafkaBroker;
import dev.dipr1.topics.ClientSettings;
import java.nio.file.Path;

/** The Kafka a command uses: the one given by --bootstrap-servers, or an embedded broker it starts and stops. */
final class KafkaConnection implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final ClientSettings settings;

    private KafkaConnection(EmbeddedKafkaBroker broker, ClientSettings settings) {
        this.broker = broker;
        this.settings = settings;
    }

    /** @param dataDir where an embedded broker keeps its data (null: a temporary directory) */
    static KafkaConnection open(KafkaOptions kafka, Path dataDir) {
        if (kafka.hasBootstrapServers()) {
            return new KafkaConnection(null, kafka.settings());
        }
        EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
        if (dataDir != null) {
            b.optDataDir(dataDir);
        }
        EmbeddedKafkaBroker broker = b.build().start();
        return new KafkaConnection(broker, kafka.settings(broker.bootstrapServers()));
    }

    ClientSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
