package dev.dipr1.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.UndecodableRecordException.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void everyRecordTypeRoundTrips() {
        SampleRecords.everyType().forEach((serde, record) -> {
            AvroSerde raw = serde;
            byte[] bytes = raw.serializer().serialize("t", record);
            SpecificRecordBase back = (SpecificRecordBase) raw.deserializer().deserialize("t", bytes);
            assertEquals(record, back, "round trip of " + record.getSchema().getName());
        });
    }

    @Test
    void bytesAreSingleObjectEncodedWithTheSchemaFingerprint() {
        PromptTask task = SampleRecords.promptTask("s-1");
        byte[] bytes = Serdes.PROMPT_TASK.encode(task);
        assertEquals((byte) 0xC3, bytes[0]);
        assertEquals((byte) 0x01, bytes[1]);
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(SchemaNormalization.parsingFingerprint64(PromptTask.getClassSchema()), fingerprint);
    }

    @Test
    void recordWrittenWithReleasedV1SchemaIsReadByCurrentReader() throws Exception {
        Schema v1 = ReleasedSchemas.instance()
                .versionsOf(PromptTask.getClassSchema().getFullName())
                .get(0);
        assertTrue(v1.getField("image") == null, "v1 has no inline image");
        GenericRecord old = new GenericData.Record(v1);
        old.put("sample_id", "old-1");
        old.put("dataset", "synthetic-seed1");
        old.put("split", "train");
        old.put("epoch", 2);
        old.put("image_uri", "file:///x.png");
        old.put("width", 64);
        old.put("height", 48);
        old.put("question", "Detect every person.");
        old.put("created_at_ms", 5L);
        byte[] bytes = singleObject(v1, old);

        PromptTask read = Serdes.PROMPT_TASK.decode(bytes, "dipr1.prompts", 0, 7);

        assertEquals("old-1", read.getSampleId());
        assertEquals(2, read.getEpoch());
        assertEquals(48, read.getHeight());
        assertNull(read.getImage(), "field added in v2 takes its default");
    }

    @Test
    void scoredGroupWrittenBeforeThePromptCoordinatesIsReadWithThemUnknown() throws Exception {
        Schema v1 = ReleasedSchemas.instance()
                .versionsOf(ScoredGroup.getClassSchema().getFullName())
                .get(0);
        assertNull(v1.getField("rollout").schema().getField("prompt_offset"), "v1 has no prompt coordinates");
        ScoredGroup current = SampleRecords.scoredGroup("old/e0");
        // the v1 fields are a prefix of the current ones, so the current record can be written with v1
        ByteBuffer written =
                new BinaryMessageEncoder<ScoredGroup>(SpecificData.getForClass(ScoredGroup.class), v1).encode(current);
        byte[] bytes = new byte[written.remaining()];
        written.get(bytes);

        ScoredGroup read = Serdes.SCORED_GROUP.decode(bytes, "dipr1.advantages", 0, 3);

        assertEquals("old/e0", read.getGroupId());
        assertEquals(current.getRollout().getCompletions(), read.getRollout().getCompletions());
        assertEquals(-1, read.getRollout().getPromptPartition(), "field added in v2 takes its default");
        assertEquals(-1L, read.getRollout().getPromptOffset());
    }

    @Test
    void wrongMarkerGivesTypedErrorWithCoordinates() {
        byte[] bytes = Serdes.PROMPT_TASK.encode(SampleRecords.promptTask("s-1"));
        bytes[0] = 0x00;
        UndecodableRecordException e = assertThrows(
                UndecodableRecordException.class, () -> Serdes.PROMPT_TASK.decode(bytes, "dipr1.prompts", 3, 42));
        assertEquals(Kind.WRONG_MARKER, e.kind());
        assertEquals("dipr1.prompts", e.topic());
        assertEquals(3, e.partition());
        assertEquals(42, e.offset());
        assertTrue(e.getMessage().contains("dipr1.prompts/3/42"), e.getMessage());
    }

    @Test
    void unknownFingerprintGivesTypedError() {
        byte[] bytes = Serdes.PROMPT_TASK.encode(SampleRecords.promptTask("s-1"));
        bytes[5] ^= 0x5A;
        UndecodableRecordException e = assertThrows(
                UndecodableRecordException.class, () -> Serdes.PROMPT_TASK.decode(bytes, "dipr1.prompts", 0, 1));
        assertEquals(Kind.UNKNOWN_FINGERPRINT, e.kind());
    }

    @Test
    void recordOfAnotherTypeIsAnUnknownFingerprint() {
        byte[] bytes = Serdes.GROUND_TRUTH.encode(SampleRecords.groundTruth("s-1"));
        UndecodableRecordException e = assertThrows(
                UndecodableRecordException.class, () -> Serdes.PROMPT_TASK.decode(bytes, "dipr1.prompts", 0, 1));
        assertEquals(Kind.UNKNOWN_FINGERPRINT, e.kind());
    }

    @Test
    void truncatedBodyGivesTypedError() {
        byte[] bytes = Serdes.ROLLOUT_GROUP.encode(SampleRecords.rolloutGroup("g", "s"));
        byte[] cut = Arrays.copyOf(bytes, bytes.length / 2);
        UndecodableRecordException e = assertThrows(
                UndecodableRecordException.class, () -> Serdes.ROLLOUT_GROUP.decode(cut, "dipr1.rollouts", 1, 2));
        assertEquals(Kind.CORRUPT_BODY, e.kind());
        assertEquals(2, e.offset());
    }

    @Test
    void emptyBytesGiveTypedError() {
        UndecodableRecordException e = assertThrows(
                UndecodableRecordException.class,
                () -> Serdes.DEAD_LETTER.decode(new byte[0], "dipr1.dead-letters", 0, 0));
        assertEquals(Kind.EMPTY, e.kind());
    }

    @Test
    void coordinatesCanBeAddedLater() {
        byte[] bytes = {1, 2, 3};
        UndecodableRecordException e = assertThrows(
                UndecodableRecordException.class,
                () -> Serdes.PROMPT_TASK.deserializer().deserialize("dipr1.prompts", bytes));
        assertEquals(-1, e.partition());
        UndecodableRecordException located = e.at("dipr1.prompts", 4, 5);
        assertEquals(4, located.partition());
        assertEquals(Kind.WRONG_MARKER, located.kind());
        assertTrue(located.getMessage().contains("dipr1.prompts/4/5"), located.getMessage());
    }

    @Test
    void trustedPackageIsAddedWithoutLosingUserSettings() {
        assertTrue(System.getProperty(AvroTrust.PROPERTY).contains(AvroTrust.OUR_PACKAGE));
    }

    @Test
    void encodedBytesAreStable() {
        byte[] a = Serdes.SCORED_GROUP.encode(SampleRecords.scoredGroup("g"));
        byte[] b = Serdes.SCORED_GROUP.encode(SampleRecords.scoredGroup("g"));
        assertArrayEquals(a, b);
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        out.write(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(schema))
                .array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }
}
