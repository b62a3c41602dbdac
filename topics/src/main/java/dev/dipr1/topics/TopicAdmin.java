package dev.dipr1.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the catalog's topics when missing and checks the settings of those that exist.
 * Idempotent: running it again changes nothing. An existing topic whose partition count or
 * cleanup policy differs from the catalog is reported, not altered (altering either would
 * re-shuffle keys or delete data).
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private final Admin admin;
    private final short replicationFactor;
    private final long timeoutSeconds;

    /** Waits at most {@link ClientSettings#DEFAULT_TIMEOUT} for each answer of Kafka. */
    public TopicAdmin(Admin admin, short replicationFactor) {
        this(admin, replicationFactor, ClientSettings.DEFAULT_TIMEOUT);
    }

    /** Waits at most {@code timeout} (--kafka-timeout) for each answer of Kafka. */
    public TopicAdmin(Admin admin, short replicationFactor, java.time.Duration timeout) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
        }
        this.admin = admin;
        this.replicationFactor = replicationFactor;
        this.timeoutSeconds = Math.max(1, timeout.toSeconds());
    }

    /** What was found or done for one topic. */
    public record TopicStatus(
            String name,
            State state,
            int partitions,
            String cleanupPolicy,
            String retentionMs,
            List<String> differences) {

        public enum State {
            CREATED,
            EXISTS,
            INCOMPATIBLE,
            MISSING
        }

        public String describe() {
            return String.format(
                    "%-28s %-12s partitions=%d cleanup.policy=%s retention.ms=%s%s",
                    name,
                    state,
                    partitions,
                    cleanupPolicy,
                    retentionMs,
                    differences.isEmpty() ? "" : "  differs: " + String.join("; ", differences));
        }
    }

    /**
     * Creates the missing topics and checks the rest.
     *
     * @throws IncompatibleTopicException when an existing topic's settings differ in a way that matters
     */
    public List<TopicStatus> ensure(Collection<Topic<?, ?>> topics) {
        Set<String> existing = listNames();
        List<NewTopic> toCreate = topics.stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> new NewTopic(t.name(), t.partitions(), replicationFactor).configs(t.configs()))
                .toList();
        for (NewTopic nt : toCreate) {
            try {
                await(admin.createTopics(List.of(nt)).all().toCompletionStage().toCompletableFuture());
                LOG.info("created topic {} ({} partitions, {})", nt.name(), nt.numPartitions(), nt.configs());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + nt.name() + ": " + e.getCause(), e);
                }
                // Created concurrently by another process: it is checked below like any existing topic.
            }
        }
        Set<String> created = toCreate.stream().map(NewTopic::name).collect(Collectors.toSet());
        awaitListed(created);
        List<TopicStatus> statuses = describe(topics, created);
        List<TopicStatus> bad = statuses.stream()
                .filter(s -> s.state() == TopicStatus.State.INCOMPATIBLE)
                .toList();
        if (!bad.isEmpty()) {
            throw new IncompatibleTopicException(bad);
        }
        return statuses;
    }

    /** Describes the topics as they are on the cluster, compared with the catalog; creates nothing. */
    public List<TopicStatus> describe(Collection<Topic<?, ?>> topics) {
        return describe(topics, Set.of());
    }

    private List<TopicStatus> describe(Collection<Topic<?, ?>> topics, Set<String> created) {
        Set<String> existing = listNames();
        List<String> present =
                topics.stream().map(Topic::name).filter(existing::contains).toList();
        Map<String, TopicDescription> descriptions;
        Map<ConfigResource, Config> configs;
        try {
            descriptions = await(admin.describeTopics(present)
                    .allTopicNames()
                    .toCompletionStage()
                    .toCompletableFuture());
            List<ConfigResource> resources = present.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                    .toList();
            configs = await(
                    admin.describeConfigs(resources).all().toCompletionStage().toCompletableFuture());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe topics " + present + ": " + e.getCause(), e);
        }
        List<TopicStatus> out = new ArrayList<>();
        for (Topic<?, ?> t : topics) {
            if (!existing.contains(t.name())) {
                out.add(new TopicStatus(t.name(), TopicStatus.State.MISSING, 0, "-", "-", List.of()));
                continue;
            }
            int partitions = descriptions.get(t.name()).partitions().size();
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()));
            String cleanup = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
            String retention = value(config, TopicConfig.RETENTION_MS_CONFIG);
            List<String> differences = new ArrayList<>();
            if (partitions != t.partitions()) {
                differences.add("partitions " + partitions + " (catalog: " + t.partitions() + ")");
            }
            if (!t.cleanupPolicy().config().equals(cleanup)) {
                differences.add("cleanup.policy " + cleanup + " (catalog: "
                        + t.cleanupPolicy().config() + ")");
            }
            String wantRetention = t.configs().get(TopicConfig.RETENTION_MS_CONFIG);
            if (wantRetention != null && !wantRetention.equals(retention)) {
                // Retention is a soft difference: reported, not fatal.
                LOG.warn("topic {} has retention.ms={} (catalog: {})", t.name(), retention, wantRetention);
            }
            TopicStatus.State state = !differences.isEmpty()
                    ? TopicStatus.State.INCOMPATIBLE
                    : created.contains(t.name()) ? TopicStatus.State.CREATED : TopicStatus.State.EXISTS;
            out.add(new TopicStatus(t.name(), state, partitions, cleanup, retention, differences));
        }
        return out;
    }

    private static String value(Config config, String key) {
        ConfigEntry e = config == null ? null : config.get(key);
        return e == null ? "-" : e.value();
    }

    /**
     * A created topic reaches the broker's metadata a moment after createTopics returns: wait until it is listed, or
     * it would be described as missing.
     */
    private void awaitListed(Set<String> names) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!listNames().containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created topics " + names + " are still not listed after "
                        + timeoutSeconds + " s: check the broker's log");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for created topics " + names, e);
            }
        }
    }

    private Set<String> listNames() {
        try {
            return await(admin.listTopics().names().toCompletionStage().toCompletableFuture());
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause(), e);
        }
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> f) throws ExecutionException {
        try {
            return f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to Kafka", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "Kafka did not answer within " + timeoutSeconds
                            + " s: check --bootstrap-servers and that the broker is up",
                    e);
        }
    }

    /** The end offset of every partition of {@code topic} (what has been written to it so far). */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        int partitions = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(topic)
                .partitions()
                .size();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(specs).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}
