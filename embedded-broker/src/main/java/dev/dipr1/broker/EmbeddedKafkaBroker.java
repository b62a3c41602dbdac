package dev.dipr1.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker + controller), running
 * in this JVM on 127.0.0.1. Storage is formatted on first start; a given data directory is kept
 * (so a restarted broker keeps its topics), a temporary one is deleted on close.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
 *     String bootstrap = broker.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;

    private final int requestedPort;
    private final Path requestedDataDir;
    private final Map<String, String> overrides;
    private final List<String> scramCredentials;
    private final String saslAdminUser;
    private final String saslAdminPassword;

    private KafkaRaftServer server;
    private Path dataDir;
    private boolean deleteDataDir;
    private int port;

    private EmbeddedKafkaBroker(Builder b) {
        this.requestedPort = b.port;
        this.requestedDataDir = b.dataDir;
        this.overrides = Map.copyOf(b.overrides);
        this.scramCredentials = new ArrayList<>(b.scramCredentials);
        this.saslAdminUser = b.saslAdminUser;
        this.saslAdminPassword = b.saslAdminPassword;
        if (saslAdminUser != null) {
            scramCredentials.add(0, SCRAM + "=[name=" + saslAdminUser + ",password=" + saslAdminPassword + "]");
        }
    }

    private static final String SCRAM = "SCRAM-SHA-256";

    public static Builder builder() {
        return new Builder();
    }

    /** Formats storage if needed and starts the broker; returns when it serves requests. */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            throw new IllegalStateException("broker already started at " + bootstrapServers());
        }
        long t0 = System.nanoTime();
        try {
            if (requestedDataDir == null) {
                dataDir = Files.createTempDirectory("dipr1-kafka-");
                deleteDataDir = true;
            } else {
                dataDir = Files.createDirectories(requestedDataDir);
                deleteDataDir = false;
            }
            port = requestedPort > 0 ? requestedPort : freePort();
            int controllerPort = freePort();
            Map<String, String> props = serverProperties(port, controllerPort);
            Path config = dataDir.resolve("server.properties");
            writeProperties(config, props);
            formatIfNeeded(config);
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker's data directory " + dataDir, e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw new IllegalStateException(
                    "the embedded Kafka broker failed to start on port " + port
                            + (requestedPort > 0 ? " (is the port already in use? choose another with --port)" : ""),
                    e);
        }
        LOG.info(
                "Kafka broker (KRaft, single node) serving on {} with data in {} after {} ms",
                bootstrapServers(),
                dataDir,
                (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    public synchronized String bootstrapServers() {
        if (server == null) {
            throw new IllegalStateException("broker not started");
        }
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Blocks until the broker has shut down (e.g. after {@link #close()} from a shutdown hook). */
    public void awaitShutdown() {
        KafkaRaftServer s;
        synchronized (this) {
            s = server;
        }
        if (s != null) {
            s.awaitShutdown();
        }
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        stopQuietly();
        LOG.info("Kafka broker on port {} stopped", port);
        if (deleteDataDir) {
            deleteRecursively(dataDir);
        }
    }

    private void stopQuietly() {
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("error while stopping the broker: {}", e.toString());
            } finally {
                server = null;
            }
        }
    }

    private Map<String, String> serverProperties(int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        String listener = saslAdminUser == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.put("listeners", listener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", listener + "://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", listener);
        p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        if (saslAdminUser != null) {
            // Clients authenticate with SCRAM-SHA-256; the broker talks to itself as the admin user.
            p.put("sasl.enabled.mechanisms", SCRAM);
            p.put("sasl.mechanism.inter.broker.protocol", SCRAM);
            p.put(
                    "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + saslAdminUser
                            + "\" password=\"" + saslAdminPassword + "\";");
        }
        p.put("log.dirs", dataDir.resolve("logs").toString());
        // One node: internal topics must accept replication factor 1 or groups and Streams never start.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "true");
        // Policy updates may carry a few MB of weights inline.
        p.put("message.max.bytes", Integer.toString(32 * 1024 * 1024));
        p.putAll(overrides);
        return p;
    }

    private void formatIfNeeded(Path config) {
        if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        List<String> args = new ArrayList<>(
                List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"));
        for (String credential : scramCredentials) {
            args.add("--add-scram");
            args.add(credential);
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args.toArray(String[]::new), out);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: "
                    + captured.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static void writeProperties(Path file, Map<String, String> props) throws IOException {
        Properties p = new Properties();
        p.putAll(props);
        // it may hold the SASL admin password: readable and writable by the broker's user only
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "written by dipr1 embedded broker");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    /** Builder: everything optional. */
    public static final class Builder {
        private int port;
        private Path dataDir;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final List<String> scramCredentials = new ArrayList<>();
        private String saslAdminUser;
        private String saslAdminPassword;

        /** The client port; 0 (default) picks a free one. */
        public Builder optPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Where the broker keeps its logs and metadata; default: a temporary directory deleted on close. */
        public Builder optDataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Any broker setting, applied last (e.g. listeners for a SASL test). */
        public Builder optConfig(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** A SCRAM credential created when storage is formatted, e.g. {@code SCRAM-SHA-256=[name=alice,password=secret]}. */
        public Builder optScramCredential(String credential) {
            scramCredentials.add(credential);
            return this;
        }

        /**
         * Serve clients over SASL_PLAINTEXT with SCRAM-SHA-256 only; the broker itself uses this
         * admin credential. Add client users with {@link #optScramCredential}.
         */
        public Builder optSaslScram(String adminUser, String adminPassword) {
            this.saslAdminUser = adminUser;
            this.saslAdminPassword = adminPassword;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
