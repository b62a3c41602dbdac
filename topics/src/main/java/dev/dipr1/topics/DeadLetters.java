package dev.dipr1.topics;

import dev.dipr1.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;

/** Builds dead-letter records: the bad record whole, where it came from, and why it was rejected. */
public final class DeadLetters {

    private DeadLetters() {}

    /** The dead-letter key: the source coordinates {@code topic/partition/offset}. */
    public static String key(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    public static DeadLetter of(String topic, int partition, long offset, long timestampMs, byte[] key,
            byte[] value, String stage, String reason, Throwable error, long nowMs) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestampMs(timestampMs)
                .setStage(stage)
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setRawKey(key == null ? null : ByteBuffer.wrap(key))
                .setRawValue(value == null ? null : ByteBuffer.wrap(value))
                .setDeadLetteredAtMs(Instant.ofEpochMilli(nowMs))
                .build();
    }
}
