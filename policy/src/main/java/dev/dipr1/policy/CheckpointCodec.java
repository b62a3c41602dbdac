package dev.dipr1.policy;

import ai.djl.ndarray.types.Shape;
import dev.dipr1.policy.TensorCodec.NamedTensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The one-file policy checkpoint, format {@value Policy#FORMAT_VERSION}: magic
 * {@value Policy#MAGIC}, format version, config ({@link PolicyConfig#toMap()}), vocabulary, policy
 * version, every parameter in {@link TensorCodec}'s form, CRC-32 of all preceding bytes. Reading
 * checks each of these against what the code expects and names every difference.
 */
final class CheckpointCodec {

    /** What a checkpoint holds: the architecture, the policy version and every parameter's values. */
    record Checkpoint(PolicyConfig config, long version, Map<String, float[]> values) {}

    private static final int CRC_BYTES = 8;

    private CheckpointCodec() {}

    static byte[] encode(PolicyConfig config, List<String> vocab, long version, List<NamedTensor> parameters) {
        long floats = parameters.stream().mapToLong(t -> t.values().length).sum();
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) (floats * Float.BYTES + 65536));
        try (DataOutputStream out = new DataOutputStream(bos)) {
            out.write(Policy.MAGIC.getBytes(StandardCharsets.US_ASCII));
            out.writeInt(Policy.FORMAT_VERSION);
            Map<String, Integer> cfg = config.toMap();
            out.writeInt(cfg.size());
            for (Map.Entry<String, Integer> e : cfg.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
            out.writeInt(vocab.size());
            for (String t : vocab) {
                out.writeUTF(t);
            }
            out.writeLong(version);
            TensorCodec.writeAll(out, parameters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] body = bos.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] all = Arrays.copyOf(body, body.length + CRC_BYTES);
        ByteBuffer.wrap(all, body.length, CRC_BYTES).putLong(crc.getValue());
        return all;
    }

    /**
     * Reads {@link #encode}'s form.
     *
     * @throws IncompatibleCheckpointException when the bytes are not a checkpoint, are corrupt,
     *     have another format version, another vocabulary or parameters that do not fit the config
     */
    static Checkpoint decode(byte[] bytes) {
        byte[] magic = Policy.MAGIC.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < magic.length + 12 || !Arrays.equals(Arrays.copyOf(bytes, magic.length), magic)) {
            throw new IncompatibleCheckpointException(
                    "not a DIP-R1 policy checkpoint: it does not start with " + Policy.MAGIC);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            in.skipNBytes(magic.length);
            int format = in.readInt();
            if (format != Policy.FORMAT_VERSION) {
                throw new IncompatibleCheckpointException("checkpoint format version " + format
                        + " but code reads format version " + Policy.FORMAT_VERSION);
            }
            checkCrc(bytes);
            int n = in.readInt();
            Map<String, Integer> cfg = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                cfg.put(in.readUTF(), in.readInt());
            }
            PolicyConfig config = PolicyConfig.fromMap(cfg);
            int vocabSize = in.readInt();
            List<String> vocab = new ArrayList<>();
            for (int i = 0; i < vocabSize; i++) {
                vocab.add(in.readUTF());
            }
            List<String> expectedVocab = new Tokenizer(config.imageSize()).vocabulary();
            if (!vocab.equals(expectedVocab)) {
                throw new IncompatibleCheckpointException(vocabularyDifference(vocab, expectedVocab));
            }
            long version = in.readLong();
            Map<String, Shape> shapes = ParameterLayout.shapes(config, expectedVocab.size());
            Map<String, float[]> values = fitToLayout(TensorCodec.readAll(in), shapes);
            return new Checkpoint(config, version, values);
        } catch (IOException e) {
            throw new IncompatibleCheckpointException("checkpoint is truncated: " + e.getMessage(), e);
        }
    }

    private static void checkCrc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - CRC_BYTES);
        long stored =
                ByteBuffer.wrap(bytes, bytes.length - CRC_BYTES, CRC_BYTES).getLong();
        if (stored != crc.getValue()) {
            throw new IncompatibleCheckpointException("checkpoint is corrupt or truncated: CRC-32 "
                    + Long.toHexString(crc.getValue()) + " but stored " + Long.toHexString(stored));
        }
    }

    /** The tensors by name when they are exactly the layout's parameters with its shapes; else every problem. */
    private static Map<String, float[]> fitToLayout(List<NamedTensor> tensors, Map<String, Shape> shapes) {
        Map<String, float[]> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (NamedTensor t : tensors) {
            Shape want = shapes.get(t.name());
            if (want == null) {
                problems.add("checkpoint has parameter " + t.name() + " that the code does not know");
            } else if (!want.equals(t.shape())) {
                problems.add(
                        "checkpoint parameter " + t.name() + " has shape " + t.shape() + " but code expects " + want);
            } else {
                values.put(t.name(), t.values());
            }
        }
        for (String name : shapes.keySet()) {
            if (!values.containsKey(name) && problems.stream().noneMatch(s -> s.contains(" " + name + " "))) {
                problems.add("checkpoint lacks parameter " + name);
            }
        }
        if (!problems.isEmpty()) {
            throw new IncompatibleCheckpointException(String.join("; ", problems));
        }
        return Collections.unmodifiableMap(values);
    }

    private static String vocabularyDifference(List<String> got, List<String> want) {
        for (int i = 0; i < Math.min(got.size(), want.size()); i++) {
            if (!got.get(i).equals(want.get(i))) {
                return "checkpoint vocabulary differs at id " + i + ": checkpoint '" + got.get(i)
                        + "' but code expects '" + want.get(i) + "'";
            }
        }
        return "checkpoint vocabulary has " + got.size() + " tokens but code expects " + want.size();
    }
}
