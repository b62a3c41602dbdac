package dev.dipr1.rewardstream;

import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a reward topology with Kafka Streams, exactly-once. */
public final class RewardStreamService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RewardStreamService.class);

    /** Kafka Streams' own task.timeout.ms: how long a task may keep timing out before its thread fails. */
    static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofMinutes(5);

    private final KafkaStreams streams;
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    public RewardStreamService(
            Topology topology, ClientSettings kafka, String applicationId, Path stateDir, String instanceId) {
        Properties p = streamsConfig(kafka, applicationId, stateDir, instanceId);
        RewardTopology.deadLetterTopic(topology).ifPresent(t -> DeadLetteringExceptionHandler.install(p, t));
        this.streams = new KafkaStreams(topology, p);
        streams.setStateListener((now, before) -> {
            LOG.info("reward stream {} ({}): {} -> {}", applicationId, instanceId, before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        ThreadReplacements replacements = new ThreadReplacements(
                ThreadReplacements.DEFAULT_MAX_REPLACEMENTS,
                ThreadReplacements.DEFAULT_WINDOW,
                System::currentTimeMillis);
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            StreamThreadExceptionResponse response = replacements.onThreadDeath();
            LOG.error(
                    "reward stream thread failed; {}",
                    response == StreamThreadExceptionResponse.REPLACE_THREAD
                            ? "replacing it"
                            : "more than " + ThreadReplacements.DEFAULT_MAX_REPLACEMENTS + " times in "
                                    + ThreadReplacements.DEFAULT_WINDOW + ": shutting down",
                    e);
            return response;
        });
    }

    static Properties streamsConfig(ClientSettings kafka, String applicationId, Path stateDir, String instanceId) {
        Properties p = kafka.asProperties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId + "-" + instanceId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Every scored group matters downstream: no record cache merging updates.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // Rollouts and annotations are read as bytes and decoded inside the topology (dead letters): a safety net.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.producerPrefix("max.request.size"), 16 * 1024 * 1024);
        // --kafka-timeout reaches the clients Streams makes (their 60 s defaults turned a broker outage into a crash of
        // a starting instance, found by dipr1 chaos); a setting the user gave in --kafka-config is kept.
        KafkaClients.producerTimeouts(kafka)
                .forEach((k, v) -> putUnlessGiven(p, k, StreamsConfig.producerPrefix(k), v));
        KafkaClients.consumerTimeouts(kafka)
                .forEach((k, v) -> putUnlessGiven(p, k, StreamsConfig.consumerPrefix(k), v));
        KafkaClients.adminTimeouts(kafka)
                .forEach((k, v) -> putUnlessGiven(p, k, StreamsConfig.adminClientPrefix(k), v));
        p.putIfAbsent(
                StreamsConfig.TASK_TIMEOUT_MS_CONFIG,
                Math.max(DEFAULT_TASK_TIMEOUT.toMillis(), kafka.timeout().toMillis()));
        // Opt in now to what Kafka 5.0 makes the default (and silence its warning).
        p.put("processing.exception.handler.global.enabled", true);
        return p;
    }

    private static void putUnlessGiven(Properties p, String key, String prefixedKey, Object value) {
        if (!p.containsKey(key)) {
            p.putIfAbsent(prefixedKey, value);
        }
    }

    public RewardStreamService start() {
        streams.start();
        return this;
    }

    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The last error that killed a stream thread, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
