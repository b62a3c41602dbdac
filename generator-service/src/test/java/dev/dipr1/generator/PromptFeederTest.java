package dev.dipr1.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.policy.Tokenizer;
import dev.dipr1.scenes.Person;
import dev.dipr1.scenes.PixelBox;
import dev.dipr1.scenes.Scene;
import dev.dipr1.schemas.Box;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.TopicCatalog;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The feeder: epoch order, prompt and ground-truth records, and that every send is acknowledged. */
class PromptFeederTest {

    private static Scene scene(String id, List<Person> persons) {
        return new Scene(id, 8, 6, new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB), persons);
    }

    private static List<Scene> scenes(int n) {
        List<Scene> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(scene("s" + i, List.of()));
        }
        return out;
    }

    private static List<String> ids(List<Scene> scenes) {
        return scenes.stream().map(Scene::id).toList();
    }

    @Test
    void anEpochIsAPermutationDecidedBySeedAndEpoch() {
        List<Scene> all = scenes(20);
        List<String> before = ids(all);
        List<String> e0 = ids(PromptFeeder.epochOrder(all, 7, 0));

        assertEquals(new HashSet<>(ids(all)), new HashSet<>(e0), "every scene once");
        assertEquals(all.size(), e0.size());
        assertEquals(e0, ids(PromptFeeder.epochOrder(all, 7, 0)), "the same seed and epoch, the same order");
        assertNotEquals(e0, ids(PromptFeeder.epochOrder(all, 7, 1)), "another epoch, another order");
        assertNotEquals(e0, ids(PromptFeeder.epochOrder(all, 8, 0)), "another seed, another order");
        assertNotEquals(before, e0, "shuffled");
        assertEquals(before, ids(all), "the input is not shuffled in place");
    }

    @Test
    void emptyAndSingleSceneListsAreFine() {
        assertTrue(PromptFeeder.epochOrder(List.of(), 1, 0).isEmpty());
        assertEquals(List.of("s0"), ids(PromptFeeder.epochOrder(scenes(1), 1, 3)));
    }

    @Test
    void aPromptCarriesTheSceneAndItsPngButNoGroundTruth() {
        byte[] png = {1, 2, 3};
        PromptTask t = PromptFeeder.promptTask(scene("s1", List.of()), "synthetic", "train", 2, png, 1_234);

        assertEquals("s1", t.getSampleId());
        assertEquals("synthetic", t.getDataset());
        assertEquals("train", t.getSplit());
        assertEquals(2, t.getEpoch());
        assertEquals("inline:s1.png", t.getImageUri());
        assertEquals(8, t.getWidth());
        assertEquals(6, t.getHeight());
        assertEquals(Tokenizer.QUESTION, t.getQuestion());
        assertEquals(Instant.ofEpochMilli(1_234), t.getCreatedAtMs());
        byte[] inline = new byte[t.getImage().remaining()];
        t.getImage().duplicate().get(inline);
        assertArrayEquals(png, inline);
    }

    @Test
    void ignoredPersonsBecomeIgnoreRegionsAndTheOthersKeepTheirVisibleBox() {
        Person kept = new Person(new PixelBox(0, 0, 4, 4), new PixelBox(1, 1, 3, 3), 0.5, false);
        Person ignored = new Person(new PixelBox(5, 0, 8, 2), new PixelBox(5, 0, 6, 1), 0.1, true);

        GroundTruth g = PromptFeeder.groundTruth(scene("s1", List.of(kept, ignored)));

        assertEquals("s1", g.getSampleId());
        assertEquals(8, g.getWidth());
        assertEquals(6, g.getHeight());
        assertEquals(List.of(new Box(0.0, 0.0, 4.0, 4.0)), g.getBoxes());
        assertEquals(List.of(new Box(1.0, 1.0, 3.0, 3.0)), g.getVisibleBoxes());
        assertEquals(List.of(new Box(5.0, 0.0, 8.0, 2.0)), g.getIgnoreRegions());
    }

    @Test
    void aSceneWithoutPersonsHasEmptyLists() {
        GroundTruth g = PromptFeeder.groundTruth(scene("s0", List.of()));
        assertTrue(g.getBoxes().isEmpty()
                && g.getVisibleBoxes().isEmpty()
                && g.getIgnoreRegions().isEmpty());
    }

    @Test
    void everySendAcknowledgedIsCounted() {
        Broker<GroundTruth> ann = new Broker<>(Serdes.GROUND_TRUTH.serializer(), 0);
        Broker<PromptTask> tasks = new Broker<>(Serdes.PROMPT_TASK.serializer(), 0);

        PromptFeeder.Result r = publish(ann, tasks, 3, 2);

        assertEquals(new PromptFeeder.Result(3, 6), r);
        assertEquals(6, tasks.history().size());
    }

    @Test
    void promptsKafkaDidNotAcknowledgeFailTheFeedSayingHowMany() {
        // Given a broker that times out two of the six prompt sends
        Broker<GroundTruth> ann = new Broker<>(Serdes.GROUND_TRUTH.serializer(), 0);
        Broker<PromptTask> tasks = new Broker<>(Serdes.PROMPT_TASK.serializer(), 2);

        // When the feeder publishes, Then it does not report success
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> publish(ann, tasks, 3, 2));
        assertTrue(e.getMessage().startsWith("2 of 6 prompts were not acknowledged by Kafka"), e.getMessage());
        assertTrue(e.getMessage().contains("TimeoutException"), e.getMessage());
    }

    @Test
    void annotationsNotAcknowledgedStopTheFeedBeforeAnyPrompt() {
        Broker<GroundTruth> ann = new Broker<>(Serdes.GROUND_TRUTH.serializer(), 1);
        Broker<PromptTask> tasks = new Broker<>(Serdes.PROMPT_TASK.serializer(), 0);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> publish(ann, tasks, 3, 1));
        assertTrue(e.getMessage().startsWith("1 of 3 annotations were not acknowledged"), e.getMessage());
        assertTrue(tasks.history().isEmpty(), "no prompt whose annotation may be missing");
    }

    private static PromptFeeder.Result publish(
            Broker<GroundTruth> ann, Broker<PromptTask> tasks, int sceneCount, int epochs) {
        return PromptFeeder.publish(
                ann, tasks, TopicCatalog.defaults(), "synthetic", "train", scenes(sceneCount), epochs, 1, 0);
    }

    /** A producer whose flush fails the first {@code failures} pending sends, as a broker timing out would. */
    private static final class Broker<V> extends MockProducer<String, V> {
        private int failures;

        Broker(Serializer<V> values, int failures) {
            super(false, null, new StringSerializer(), values);
            this.failures = failures;
        }

        @Override
        public synchronized void flush() {
            while (failures > 0 && errorNext(new TimeoutException("Expiring record: delivery.timeout.ms elapsed"))) {
                failures--;
            }
            super.flush();
        }
    }
}
