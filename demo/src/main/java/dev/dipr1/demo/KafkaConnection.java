package dev.dipr1.demo;

import dev.dipr1.broker.EmbeddedKafkaBroker;
import dev.dipr1.topics.ClientSettings;
import java.nio.file.Path;
import java.util.function.Function;

/** The Kafka a command uses: a given cluster, or an embedded broker it starts and stops. */
public final class KafkaConnection implements AutoCloseable {

    /** Opens the connection of a run whose embedded broker (if any) keeps its data in {@code dataDir}. */
    @FunctionalInterface
    public interface Opener {
        KafkaConnection open(Path dataDir);
    }

    private final EmbeddedKafkaBroker broker;
    private final ClientSettings settings;

    private KafkaConnection(EmbeddedKafkaBroker broker, ClientSettings settings) {
        this.broker = broker;
        this.settings = settings;
    }

    /** A cluster that runs without us: closing does nothing. */
    public static KafkaConnection external(ClientSettings settings) {
        return new KafkaConnection(null, settings);
    }

    /**
     * Starts an embedded broker.
     *
     * @param dataDir where it keeps its data (null: a temporary directory)
     * @param settingsFor the client settings for the broker's bootstrap address
     */
    public static KafkaConnection embedded(Path dataDir, Function<String, ClientSettings> settingsFor) {
        EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
        if (dataDir != null) {
            b.optDataDir(dataDir);
        }
        EmbeddedKafkaBroker broker = b.build().start();
        return new KafkaConnection(broker, settingsFor.apply(broker.bootstrapServers()));
    }

    public ClientSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
    }
}
