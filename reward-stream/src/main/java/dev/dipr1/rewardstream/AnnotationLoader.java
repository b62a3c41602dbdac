package dev.dipr1.rewardstream;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.topics.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the annotations store of every instance: the raw bytes of each valid annotation under its
 * sample id, a tombstone deletes one. A record that cannot be used is parked in the same store as a
 * {@link DeadLetter} under a key of its source coordinates that starts with {@link #PARKED_PREFIX};
 * the scoring task of rollout partition 0 dead-letters it (once for the whole application).
 *
 * <p>Why not a GlobalKTable with a dead-letter handler: Kafka Streams 4.4 cannot send dead letters from
 * global stores (KIP-1295 comes later), and a global processor cannot forward. Why not a regular stream of
 * annotations: it would give each instance only its partitions, while the join needs every annotation on
 * every instance.
 */
final class AnnotationLoader implements Processor<byte[], byte[], Void, Void> {

    /** Keys of parked bad records; no sample id starts with a NUL character. */
    static final String PARKED_PREFIX = "\u0000dead-letter/";

    static final String STAGE = ScoreProcessor.STAGE + "/annotations";

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(RewardTopology.ANNOTATIONS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            if (key != null) {
                store.delete(key); // a tombstone: the sample has no annotation any more
            }
            return;
        }
        RecordMetadata m = context.recordMetadata().orElseThrow();
        Optional<String> problem;
        try {
            GroundTruth truth = Serdes.GROUND_TRUTH.decode(record.value(), m.topic(), m.partition(), m.offset());
            problem = AnnotationValidator.problem(key, truth);
        } catch (UndecodableRecordException e) {
            problem = Optional.of(e.getMessage());
        }
        if (problem.isEmpty()) {
            store.put(key, record.value());
            return;
        }
        DeadLetter d = DeadLetters.of(
                m.topic(),
                m.partition(),
                m.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                STAGE,
                problem.get(),
                null,
                context.currentSystemTimeMs());
        store.put(parkedKey(m.topic(), m.partition(), m.offset()), Serdes.DEAD_LETTER.encode(d));
    }

    static String parkedKey(String topic, int partition, long offset) {
        return PARKED_PREFIX + DeadLetters.key(topic, partition, offset);
    }
}
