package dev.dipr1.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a readable record of the expected type. Names where the bytes came from
 * (topic, partition, offset; -1 when the caller did not know them) so that the record can be
 * dead-lettered and found again.
 */
public final class UndecodableRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    /** What is wrong with the bytes. */
    public enum Kind {
        /** Null or empty value where a record was expected. */
        EMPTY,
        /** The 2-byte single-object-encoding marker {@code C3 01} is missing. */
        WRONG_MARKER,
        /** The 8-byte schema fingerprint is not one this project ever released for the type. */
        UNKNOWN_FINGERPRINT,
        /** The body ends early or does not match the schema. */
        CORRUPT_BODY
    }

    private final Kind kind;
    private final String topic;
    private final int partition;
    private final long offset;

    public UndecodableRecordException(
            Kind kind, String topic, int partition, long offset, String detail, Throwable cause) {
        super(describe(kind, topic, partition, offset, detail), cause);
        this.kind = kind;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    /** The same error, now with the coordinates of the record it came from. */
    public UndecodableRecordException at(String topic, int partition, long offset) {
        return new UndecodableRecordException(kind, topic, partition, offset, detail(), getCause());
    }

    private String detail() {
        String m = getMessage();
        int i = m.indexOf(": ");
        return i < 0 ? m : m.substring(i + 2);
    }

    private static String describe(Kind kind, String topic, int partition, long offset, String detail) {
        return "undecodable record (" + kind + ") at " + topic + "/" + partition + "/" + offset + ": " + detail;
    }

    public Kind kind() {
        return kind;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }
}
