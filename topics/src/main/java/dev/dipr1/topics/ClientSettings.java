package dev.dipr1.topics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How every service reaches Kafka: the bootstrap servers plus any standard client settings
 * (TLS, SASL/SCRAM, …) from a properties file and from environment variables
 * {@code DIPR1_KAFKA_<SETTING>} (e.g. {@code DIPR1_KAFKA_SASL_MECHANISM=SCRAM-SHA-256} for
 * {@code sasl.mechanism}). They are passed unchanged to producers, consumers, admin clients and
 * Streams. {@link #redacted()} is what may be logged: secrets never are.
 *
 * <p>{@link #timeout()} is the one limit on how long a service waits for Kafka (an acknowledgement, metadata,
 * an admin call) before it gives up: a broker outage shorter than it is waited out.
 */
public final class ClientSettings {

    public static final String ENV_PREFIX = "DIPR1_KAFKA_";

    /** How long a service waits for Kafka unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Shorter waits turn an ordinary leader election into a failure. */
    public static final Duration MIN_TIMEOUT = Duration.ofSeconds(5);
    /** Longer waits hide a broker that is gone for good. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private final String bootstrapServers;
    private final Map<String, String> settings;
    private final Duration timeout;

    private ClientSettings(String bootstrapServers, Map<String, String> settings, Duration timeout) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka bootstrap servers: pass --bootstrap-servers HOST:PORT");
        }
        if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("--kafka-timeout must be in [" + MIN_TIMEOUT.toSeconds() + ", "
                    + MAX_TIMEOUT.toSeconds() + "] s, was " + (timeout == null ? null : timeout.toSeconds())
                    + ": it is how long a broker may be unreachable before a service gives up");
        }
        this.bootstrapServers = bootstrapServers;
        this.settings = Map.copyOf(settings);
        this.timeout = timeout;
    }

    public static ClientSettings of(String bootstrapServers) {
        return new ClientSettings(bootstrapServers, Map.of(), DEFAULT_TIMEOUT);
    }

    /** These settings with another {@link #timeout()}, within [{@link #MIN_TIMEOUT}, {@link #MAX_TIMEOUT}]. */
    public ClientSettings withTimeout(Duration timeout) {
        return new ClientSettings(bootstrapServers, settings, timeout);
    }

    /** How long to wait for Kafka before giving up. */
    public Duration timeout() {
        return timeout;
    }

    /** Bootstrap servers plus the settings of an optional properties file and of the environment (which wins). */
    public static ClientSettings of(String bootstrapServers, Path propertiesFile, Map<String, String> env) {
        Map<String, String> s = new HashMap<>();
        if (propertiesFile != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(propertiesFile)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Kafka client settings from " + propertiesFile, e);
            }
            p.stringPropertyNames().forEach(k -> s.put(k, p.getProperty(k)));
        }
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX)) {
                s.put(k.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        s.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return new ClientSettings(bootstrapServers, s, DEFAULT_TIMEOUT);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Everything a Kafka client needs to connect: bootstrap servers and security settings. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new HashMap<>(settings);
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return m;
    }

    public Properties asProperties() {
        Properties p = new Properties();
        p.putAll(asMap());
        return p;
    }

    /** The settings with every secret replaced by {@code [hidden]}: safe to log or print. */
    public Map<String, String> redacted() {
        Map<String, String> m = new TreeMap<>();
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.forEach((k, v) -> m.put(k, isSecret(k) ? "[hidden]" : v));
        return m;
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("secret")
                || k.contains("jaas")
                || k.contains("token")
                || k.endsWith(".key")
                || k.contains("credentials");
    }

    @Override
    public String toString() {
        return "ClientSettings" + redacted() + " timeout " + timeout.toSeconds() + " s";
    }
}
