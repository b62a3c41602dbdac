package dev.dipr1.generator.engine;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.generator.GeneratorService;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A generator on its own thread against the test broker, and what it wrote: for the engine's integration tests. */
final class RunningGenerator implements AutoCloseable {

    static final ClientSettings KAFKA = ClientSettings.of(KafkaTestCluster.bootstrapServers());

    final GeneratorService service;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private RunningGenerator(GeneratorService service, String name) {
        this.service = service;
        this.thread = new Thread(
                () -> {
                    try {
                        service.run();
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                },
                name);
        thread.start();
    }

    /** Starts a generator with {@code initial} (closed by it) and {@code settings} on {@code catalog}. */
    static RunningGenerator start(TopicCatalog catalog, GenerationEngine engine, GeneratorSettings settings) {
        return new RunningGenerator(
                new GeneratorService(
                        KAFKA, catalog, engine, settings, new SimpleMeterRegistry(), System::currentTimeMillis),
                settings.generatorId());
    }

    static RunningGenerator start(TopicCatalog catalog, Policy initial, GeneratorSettings settings) {
        return new RunningGenerator(
                new GeneratorService(
                        KAFKA, catalog, initial, settings, new SimpleMeterRegistry(), System::currentTimeMillis),
                settings.generatorId());
    }

    Throwable error() {
        return failure.get();
    }

    boolean alive() {
        return thread.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        service.close();
        thread.join(30_000);
    }

    static TopicCatalog topics(String prefix) throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        try (Admin admin = Admin.create(KAFKA.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        return catalog;
    }

    static List<RolloutGroup> rollouts(TopicCatalog catalog, int n, Duration timeout) {
        return read(catalog.rollouts().name(), catalog.rollouts().valueSerde().deserializer(), n, timeout);
    }

    static List<DeadLetter> deadLetters(TopicCatalog catalog, int n, Duration timeout) {
        return read(
                catalog.deadLetters().name(), catalog.deadLetters().valueSerde().deserializer(), n, timeout);
    }

    /** The prompt task a dead letter holds. */
    static PromptTask prompt(DeadLetter d) {
        byte[] raw = new byte[d.getRawValue().remaining()];
        d.getRawValue().duplicate().get(raw);
        return Serdes.PROMPT_TASK.decode(raw, d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset());
    }

    static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Up to {@code n} values from the start of a topic, then whatever else arrives within 2 s. */
    private static <V> List<V> read(String topic, Deserializer<V> values, int n, Duration timeout) {
        Map<String, Object> c = new HashMap<>(KAFKA.asMap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, new StringDeserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }
}
