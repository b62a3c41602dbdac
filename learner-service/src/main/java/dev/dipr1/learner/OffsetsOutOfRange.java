package dev.dipr1.learner;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * The message of a learner that stops because its checkpoint names offsets the advantages topic no
 * longer holds (the topic was deleted and recreated, or retention removed them): jumping to either
 * end would skip or repeat groups without a word, so the operator decides.
 */
final class OffsetsOutOfRange {

    private OffsetsOutOfRange() {}

    /**
     * @param offsets the offsets that were out of range, per partition
     * @param checkpoint the learner checkpoint they came from (null when there is none)
     * @param held what each partition holds now, e.g. {@code "offsets 0..12"}
     */
    static String message(Map<TopicPartition, Long> offsets, Path checkpoint, Function<TopicPartition, String> held) {
        StringBuilder m = new StringBuilder("the learner cannot resume: ");
        Map<TopicPartition, Long> sorted =
                new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        sorted.putAll(offsets);
        String sep = "";
        for (Map.Entry<TopicPartition, Long> e : sorted.entrySet()) {
            m.append(sep)
                    .append("partition ")
                    .append(e.getKey())
                    .append(" has no offset ")
                    .append(e.getValue())
                    .append(" (it holds ")
                    .append(held.apply(e.getKey()))
                    .append(")");
            sep = "; ";
        }
        m.append(". The ")
                .append(checkpoint == null ? "learner's positions" : "learner checkpoint " + checkpoint)
                .append(" belongs to records the topic no longer has (deleted and recreated, or removed by retention)."
                        + " To train on what the topic holds now, delete or move the learner checkpoint (its weights"
                        + " are then lost) or pass another --learner-checkpoint; to keep it, point --advantages-topic"
                        + " at the topic it was written for.");
        return m.toString();
    }
}
