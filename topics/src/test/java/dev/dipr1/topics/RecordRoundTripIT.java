package dev.dipr1.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.schemas.serde.SampleRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Every record type through a real broker, on its catalog topic, with its catalog serdes. */
class RecordRoundTripIT {

    @Test
    void everyRecordTypeRoundTripsThroughTheBroker() throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("roundtrip.");
        ClientSettings settings = ClientSettings.of(KafkaTestCluster.bootstrapServers());
        try (Admin admin = Admin.create(settings.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        roundTrip(settings, catalog.prompts(), SampleRecords.promptTask("s-1"));
        roundTrip(settings, catalog.annotations(), SampleRecords.groundTruth("s-1"));
        roundTrip(settings, catalog.rollouts(), SampleRecords.rolloutGroup("s-1/e0", "s-1"));
        roundTrip(settings, catalog.advantages(), SampleRecords.scoredGroup("s-1/e0"));
        roundTrip(settings, catalog.policy(), SampleRecords.policyUpdate(7));
        roundTrip(settings, catalog.deadLetters(), SampleRecords.deadLetter());
    }

    private static <V extends SpecificRecordBase> void roundTrip(
            ClientSettings settings, Topic<String, V> topic, V record) throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(
                settings.asMap(),
                topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), "k", record)).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> c = new java.util.HashMap<>(settings.asMap());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "rt-" + topic.name());
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(
                c, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            List<V> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    got.add(r.value());
                }
            }
            assertEquals(List.of(record), got, "round trip on " + topic.name());
        }
    }
}
