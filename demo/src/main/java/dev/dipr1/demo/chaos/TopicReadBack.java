package dev.dipr1.demo.chaos;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every committed record of the topics a chaos run checks, from the beginning to the last stable
 * offset (read committed: aborted transactions of killed reward instances are not outcomes).
 */
final class TopicReadBack implements AutoCloseable {

    private final TopicCatalog catalog;
    // one consumer for every read: closing a consumer waits for its fetch sessions, which adds up over the settle loop
    private final KafkaConsumer<String, byte[]> c;

    TopicReadBack(ClientSettings kafka, TopicCatalog catalog) {
        this.catalog = catalog;
        this.c = KafkaClients.rawConsumer(
                kafka,
                catalog.prefix() + "chaos-read-back",
                Map.of("isolation.level", "read_committed", "max.partition.fetch.bytes", 64 * 1024 * 1024));
    }

    @Override
    public void close() {
        c.close();
    }

    /** Rollout records, with nulls for group id and prompt where one does not decode. */
    List<ChaosVerdict.Rollout> rollouts() {
        List<ChaosVerdict.Rollout> out = new ArrayList<>();
        read(catalog.rollouts().name(), r -> {
            ChaosVerdict.Coord at = coord(r);
            try {
                RolloutGroup g = Serdes.ROLLOUT_GROUP.decode(r.value(), r.topic(), r.partition(), r.offset());
                out.add(new ChaosVerdict.Rollout(
                        at,
                        g.getGroupId(),
                        new ChaosVerdict.Coord(catalog.prompts().name(), g.getPromptPartition(), g.getPromptOffset())));
            } catch (RuntimeException undecodable) {
                out.add(new ChaosVerdict.Rollout(at, null, null));
            }
        });
        return out;
    }

    /** Advantages records that decode and name their source rollout (injected bad ones are not outcomes). */
    List<ChaosVerdict.Scored> scored() {
        List<ChaosVerdict.Scored> out = new ArrayList<>();
        read(catalog.advantages().name(), r -> {
            try {
                ScoredGroup g = Serdes.SCORED_GROUP.decode(r.value(), r.topic(), r.partition(), r.offset());
                out.add(new ChaosVerdict.Scored(
                        coord(r),
                        g.getGroupId(),
                        new ChaosVerdict.Coord(g.getSourceTopic(), g.getSourcePartition(), g.getSourceOffset())));
            } catch (RuntimeException undecodable) {
                // an injected record: checked through the dead letters
            }
        });
        return out;
    }

    List<ChaosVerdict.DeadLetter> deadLetters() {
        List<ChaosVerdict.DeadLetter> out = new ArrayList<>();
        read(catalog.deadLetters().name(), r -> {
            DeadLetter d = Serdes.DEAD_LETTER.decode(r.value(), r.topic(), r.partition(), r.offset());
            out.add(new ChaosVerdict.DeadLetter(
                    new ChaosVerdict.Coord(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset()),
                    d.getStage(),
                    d.getReason()));
        });
        return out;
    }

    /** Policy records that decode and whose weights can be read (their hash is what the check compares). */
    List<ChaosVerdict.PolicyRecord> policy() {
        List<ChaosVerdict.PolicyRecord> out = new ArrayList<>();
        read(catalog.policy().name(), r -> {
            try {
                PolicyUpdate u = Serdes.POLICY_UPDATE.decode(r.value(), r.topic(), r.partition(), r.offset());
                out.add(new ChaosVerdict.PolicyRecord(
                        coord(r), u.getVersion(), PolicyUpdates.sha256(PolicyUpdates.checkpoint(u))));
            } catch (Exception undecodable) {
                // an injected record: checked through the dead letters
            }
        });
        return out;
    }

    /** The create-time of every rollout record, in ms: the throughput of generation over time. */
    List<Long> rolloutTimes() {
        List<Long> out = new ArrayList<>();
        read(catalog.rollouts().name(), r -> out.add(r.timestamp()));
        return out;
    }

    private void read(String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
        List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> end = c.endOffsets(parts);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                each.accept(r);
            }
        }
    }

    private static ChaosVerdict.Coord coord(ConsumerRecord<?, ?> r) {
        return new ChaosVerdict.Coord(r.topic(), r.partition(), r.offset());
    }
}
