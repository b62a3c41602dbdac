package dev.dipr1.launcher;

import dev.dipr1.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a single-node Kafka broker in the foreground until SIGTERM/Ctrl-C. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Run a real single-node Kafka broker (KRaft) on 127.0.0.1 in the foreground; "
                + "prints its bootstrap address and stops on SIGTERM or Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "9092",
            description = "Client port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where the broker keeps its data; kept across restarts (default: a temporary directory, deleted on exit).")
    Path dataDir;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
        }
        EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder().optPort(port);
        if (dataDir != null) {
            b.optDataDir(dataDir);
        }
        EmbeddedKafkaBroker broker = b.build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println(broker.bootstrapServers());
        System.out.flush();
        broker.awaitShutdown();
        return 0;
    }
}
