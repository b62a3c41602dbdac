package dev.dipr1.generator;

import dev.dipr1.policy.Tokenizer;
import dev.dipr1.scenes.Person;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.schemas.Box;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.TopicCatalog;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a dataset split: each sample's GroundTruth to the annotations topic (once; the topic
 * is compacted), then a PromptTask per sample and epoch to the prompts topic, each epoch
 * shuffled by the seed. Images travel inline as PNG so generators need no shared disk.
 * Generators never see the ground truth.
 */
public final class PromptFeeder {

    private static final Logger LOG = LoggerFactory.getLogger(PromptFeeder.class);

    private PromptFeeder() {}

    /** What {@link #publish} sent: annotations (one per scene) and prompts (one per scene and epoch). */
    public record Result(int annotations, int prompts) {}

    /**
     * Publishes the annotations, then {@code epochs} shuffled rounds of prompts, and waits until
     * Kafka has acknowledged every record.
     *
     * @param nowMs the created-at time written into every prompt
     * @throws IllegalStateException when Kafka did not acknowledge some records; the message says how many
     */
    public static Result publish(
            ClientSettings kafka,
            TopicCatalog catalog,
            String dataset,
            String split,
            List<Scene> scenes,
            int epochs,
            long seed,
            long nowMs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, was " + epochs);
        }
        Map<String, Object> batching = Map.of(ProducerConfig.LINGER_MS_CONFIG, 10);
        try (KafkaProducer<String, GroundTruth> ann = KafkaClients.producer(
                        kafka, catalog.annotations(), catalog.prefix() + "feeder-annotations", batching);
                KafkaProducer<String, PromptTask> tasks = KafkaClients.producer(
                        kafka, catalog.prompts(), catalog.prefix() + "feeder-prompts", batching)) {
            return publish(ann, tasks, catalog, dataset, split, scenes, epochs, seed, nowMs);
        }
    }

    /** {@link #publish(ClientSettings, TopicCatalog, String, String, List, int, long, long)} with given producers. */
    static Result publish(
            Producer<String, GroundTruth> ann,
            Producer<String, PromptTask> tasks,
            TopicCatalog catalog,
            String dataset,
            String split,
            List<Scene> scenes,
            int epochs,
            long seed,
            long nowMs) {
        // Annotations first, so the reward stream finds them when the first groups arrive.
        Acknowledgements annotationAcks =
                new Acknowledgements("annotations", catalog.annotations().name());
        for (Scene s : scenes) {
            ann.send(new ProducerRecord<>(catalog.annotations().name(), s.id(), groundTruth(s)), annotationAcks);
        }
        ann.flush();
        // Prompts without their annotations would only be dead-lettered: stop before sending any.
        annotationAcks.requireAll();
        Map<String, byte[]> png = new HashMap<>();
        for (Scene s : scenes) {
            png.put(s.id(), PngImages.encode(s.image()));
        }
        Acknowledgements promptAcks =
                new Acknowledgements("prompts", catalog.prompts().name());
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (Scene s : epochOrder(scenes, seed, epoch)) {
                PromptTask task = promptTask(s, dataset, split, epoch, png.get(s.id()), nowMs);
                tasks.send(new ProducerRecord<>(catalog.prompts().name(), s.id(), task), promptAcks);
            }
        }
        tasks.flush();
        promptAcks.requireAll();
        LOG.info(
                "published {} annotations and {} prompts ({} epochs) of {} {}",
                annotationAcks.acknowledged(),
                promptAcks.acknowledged(),
                epochs,
                dataset,
                split);
        return new Result(annotationAcks.acknowledged(), promptAcks.acknowledged());
    }

    /**
     * Counts the sends of one producer and their acknowledgements. After {@code flush()} every send has
     * completed, so {@link #requireAll()} sees the final count.
     */
    static final class Acknowledgements implements Callback {
        private final String what;
        private final String topic;
        private final AtomicInteger sent = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicReference<Exception> firstError = new AtomicReference<>();

        Acknowledgements(String what, String topic) {
            this.what = what;
            this.topic = topic;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception error) {
            sent.incrementAndGet();
            if (error != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
        }

        int acknowledged() {
            return sent.get() - failed.get();
        }

        /** Why the sends are not all acknowledged, or empty when they are. */
        Optional<String> problem() {
            if (failed.get() == 0) {
                return Optional.empty();
            }
            Exception e = firstError.get();
            return Optional.of(failed.get() + " of " + sent.get() + " " + what + " were not acknowledged by Kafka on "
                    + topic + " (first error: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); the feed is incomplete: check the broker and run it again");
        }

        void requireAll() {
            problem().ifPresent(p -> {
                throw new IllegalStateException(p, firstError.get());
            });
        }
    }

    /** The order of the scenes in one epoch: a shuffle seeded by the feeder seed and the epoch. */
    static List<Scene> epochOrder(List<Scene> scenes, long seed, int epoch) {
        List<Scene> order = new ArrayList<>(scenes);
        Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
        return order;
    }

    /** The prompt of one scene in one epoch, its PNG inline. */
    public static PromptTask promptTask(Scene s, String dataset, String split, int epoch, byte[] png, long nowMs) {
        return PromptTask.newBuilder()
                .setSampleId(s.id())
                .setDataset(dataset)
                .setSplit(split)
                .setEpoch(epoch)
                .setImageUri("inline:" + s.id() + ".png")
                .setWidth(s.width())
                .setHeight(s.height())
                .setQuestion(Tokenizer.QUESTION)
                .setCreatedAtMs(Instant.ofEpochMilli(nowMs))
                .setImage(ByteBuffer.wrap(png))
                .build();
    }

    /** What the reward stream scores against: full boxes and visible boxes of the kept persons, ignored ones apart. */
    public static GroundTruth groundTruth(Scene s) {
        List<Box> boxes = new ArrayList<>();
        List<Box> visible = new ArrayList<>();
        List<Box> ignore = new ArrayList<>();
        for (Person p : s.persons()) {
            if (p.ignored()) {
                ignore.add(box(p.full()));
            } else {
                boxes.add(box(p.full()));
                visible.add(box(p.visible()));
            }
        }
        return GroundTruth.newBuilder()
                .setSampleId(s.id())
                .setWidth(s.width())
                .setHeight(s.height())
                .setBoxes(boxes)
                .setIgnoreRegions(ignore)
                .setVisibleBoxes(visible)
                .build();
    }

    private static Box box(PixelBox b) {
        return new Box(b.x1(), b.y1(), b.x2(), b.y2());
    }
}
