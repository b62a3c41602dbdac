package dev.dipr1.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A registry-free Kafka serde for one generated Avro record type, using Avro's single-object
 * encoding: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer
 * schema, then the Avro binary body. Any Avro library can read such bytes with the
 * {@code .avsc} files alone. Records written with any released older version of the schema are
 * resolved to the current one. Thread-safe.
 */
public final class AvroSerde<T extends SpecificRecordBase> implements Serde<T> {

    static {
        AvroTrust.ensure();
    }

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    private AvroSerde(Class<T> type, Schema schema) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, ReleasedSchemas.instance());
        for (Schema old : ReleasedSchemas.instance().versionsOf(schema.getFullName())) {
            decoder.addSchema(old);
        }
    }

    public static <T extends SpecificRecordBase> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type, SpecificData.get().getSchema(type));
    }

    public Class<T> type() {
        return type;
    }

    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        try {
            ByteBuffer buf = encoder.encode(record);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes bytes read from the given coordinates; failures name them. */
    public T decode(byte[] bytes, String topic, int partition, long offset) {
        if (bytes == null || bytes.length == 0) {
            throw new UndecodableRecordException(
                    UndecodableRecordException.Kind.EMPTY,
                    topic,
                    partition,
                    offset,
                    "empty value where a " + type.getSimpleName() + " was expected",
                    null);
        }
        try {
            return decoder.decode(bytes);
        } catch (BadHeaderException e) {
            throw new UndecodableRecordException(
                    UndecodableRecordException.Kind.WRONG_MARKER,
                    topic,
                    partition,
                    offset,
                    "not Avro single-object encoding (" + e.getMessage() + ")",
                    e);
        } catch (MissingSchemaException e) {
            throw new UndecodableRecordException(
                    UndecodableRecordException.Kind.UNKNOWN_FINGERPRINT,
                    topic,
                    partition,
                    offset,
                    "no released " + type.getSimpleName() + " schema has this fingerprint (" + e.getMessage() + ")",
                    e);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableRecordException(
                    UndecodableRecordException.Kind.CORRUPT_BODY,
                    topic,
                    partition,
                    offset,
                    "corrupt or truncated " + type.getSimpleName() + " body (" + e + ")",
                    e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> record == null ? null : encode(record);
    }

    /** The plain Kafka deserializer does not know partition/offset: they are -1 in its errors. */
    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes, topic, -1, -1L);
    }
}
