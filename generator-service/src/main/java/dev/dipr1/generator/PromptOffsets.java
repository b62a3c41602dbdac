package dev.dipr1.generator;

import dev.dipr1.topics.DeadLetters;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the offset of a prompt whose group is published (or dead-lettered). A partition that moved to another
 * generator while the batch was made (the group rebalanced: a broker outage longer than the session timeout, or a
 * batch longer than max.poll.interval.ms) is not an error: the new owner redoes the prompt, the learner drops the
 * second group by its id, and this generator rejoins the group at its next poll. Treating it as fatal made every
 * running generator exit after a 111 s broker stop ({@code dipr1 chaos --seed 2}).
 */
final class PromptOffsets {

    private static final Logger LOG = LoggerFactory.getLogger(PromptOffsets.class);

    private PromptOffsets() {}

    /** Commits {@code r}'s offset + 1; false when the partition is no longer this consumer's. */
    static boolean commit(Consumer<?, ?> consumer, ConsumerRecord<?, ?> r) {
        try {
            consumer.commitSync(
                    Map.of(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn(
                    "prompt {} is done but its offset was not committed: the partition moved to another generator "
                            + "meanwhile ({}); it redoes the prompt and the learner drops the duplicate group",
                    DeadLetters.key(r.topic(), r.partition(), r.offset()),
                    e.getClass().getSimpleName());
            return false;
        }
    }
}
