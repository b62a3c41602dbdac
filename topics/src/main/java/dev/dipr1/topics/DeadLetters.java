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

    /**
     * Sends a consumed record that cannot be processed to the dead-letter topic and waits for the
     * broker's acknowledgement, so the caller may commit past it.
     */
    public static void publish(
            org.apache.kafka.clients.producer.Producer<String, byte[]> producer,
            Topic<String, DeadLetter> deadLetters,
            org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r,
            String stage,
            String reason,
            Throwable error,
            long nowMs) {
        publish(producer, deadLetters, r, stage, reason, error, nowMs, ClientSettings.DEFAULT_TIMEOUT);
    }

    /** As above, waiting at most {@code timeout} for the acknowledgement. */
    public static void publish(
            org.apache.kafka.clients.producer.Producer<String, byte[]> producer,
            Topic<String, DeadLetter> deadLetters,
            org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> r,
            String stage,
            String reason,
            Throwable error,
            long nowMs,
            java.time.Duration timeout) {
        DeadLetter d = of(
                r.topic(),
                r.partition(),
                r.offset(),
                r.timestamp(),
                r.key() == null ? null : r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                r.value(),
                stage,
                reason,
                error,
                nowMs);
        String key = key(r.topic(), r.partition(), r.offset());
        try {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            deadLetters.name(),
                            key,
                            deadLetters.valueSerde().serializer().serialize(deadLetters.name(), d)))
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + key, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("dead-lettering " + key + " failed", e);
        }
    }

    public static DeadLetter of(
            String topic,
            int partition,
            long offset,
            long timestampMs,
            byte[] key,
            byte[] value,
            String stage,
            String reason,
            Throwable error,
            long nowMs) {
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
