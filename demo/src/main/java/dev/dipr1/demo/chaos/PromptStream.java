package dev.dipr1.demo.chaos;

import dev.dipr1.generator.PromptFeeder;
import dev.dipr1.policy.Tokenizer;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The feeder of a chaos run: the annotations of all scenes first, then one prompt per scene at a steady rate
 * on its own thread, through faults and outages. A prompt counts as fed only when Kafka acknowledged it; its
 * coordinates are what the verdict follows.
 */
final class PromptStream implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final TopicCatalog catalog;
    private final List<Scene> scenes;
    private final double perSecond;
    private final List<ChaosVerdict.Coord> acknowledged = new ArrayList<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    PromptStream(ClientSettings kafka, TopicCatalog catalog, List<Scene> scenes, double perSecond) {
        this.producer = KafkaClients.rawProducer(kafka, catalog.prefix() + "chaos-feeder", Map.of());
        this.catalog = catalog;
        this.scenes = scenes;
        this.perSecond = perSecond;
        this.thread = new Thread(this::feed, "chaos-feeder");
        this.thread.setDaemon(true);
    }

    /** Publishes every scene's ground truth and waits for the acknowledgements. */
    void publishAnnotations() throws Exception {
        for (Scene s : scenes) {
            producer.send(new ProducerRecord<>(
                            catalog.annotations().name(),
                            s.id(),
                            Serdes.GROUND_TRUTH.encode(PromptFeeder.groundTruth(s))))
                    .get();
        }
    }

    void start() {
        thread.start();
    }

    private void feed() {
        long start = System.nanoTime();
        for (int i = 0; i < scenes.size() && running; i++) {
            long due = start + (long) (i / perSecond * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            Scene s = scenes.get(i);
            sent.incrementAndGet();
            producer.send(
                    new ProducerRecord<>(catalog.prompts().name(), s.id(), Serdes.PROMPT_TASK.encode(task(s))),
                    (md, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                        } else {
                            synchronized (acknowledged) {
                                acknowledged.add(new ChaosVerdict.Coord(md.topic(), md.partition(), md.offset()));
                            }
                        }
                    });
        }
    }

    /** Stops feeding and waits until every sent prompt is acknowledged or has failed. */
    void stopFeeding() throws InterruptedException {
        running = false;
        thread.join(10_000);
        producer.flush();
    }

    List<ChaosVerdict.Coord> acknowledged() {
        synchronized (acknowledged) {
            return List.copyOf(acknowledged);
        }
    }

    int sent() {
        return sent.get();
    }

    int failed() {
        return failed.get();
    }

    private static PromptTask task(Scene s) {
        return PromptTask.newBuilder()
                .setSampleId(s.id())
                .setDataset("chaos")
                .setSplit("train")
                .setEpoch(0)
                .setImageUri("inline:" + s.id() + ".png")
                .setWidth(s.width())
                .setHeight(s.height())
                .setQuestion(Tokenizer.QUESTION)
                .setCreatedAtMs(Instant.now())
                .setImage(ByteBuffer.wrap(PngImages.encode(s.image())))
                .build();
    }

    @Override
    public void close() {
        running = false;
        producer.close();
    }
}
