package dev.dipr1.learner;

import dev.dipr1.common.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Everything a learner needs to resume exactly where it was: policy weights, optimiser state,
 * step, policy version, the next offset to read per partition of the advantages topic, and the
 * ids of recently applied groups (a redone prompt can reach the learner twice). Written
 * atomically: a temporary file, fsync, then rename.
 */
public record LearnerCheckpoint(
        byte[] policy,
        byte[] optimizer,
        long step,
        long policyVersion,
        String topic,
        Map<Integer, Long> nextOffsets,
        List<String> recentGroupIds) {

    private static final String MAGIC = "DIPR1LRN";
    private static final int FORMAT = 1;

    public void save(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(step);
            out.writeLong(policyVersion);
            out.writeUTF(topic);
            out.writeInt(nextOffsets.size());
            for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                out.writeInt(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(recentGroupIds.size());
            for (String id : recentGroupIds) {
                out.writeUTF(id);
            }
            out.writeInt(policy.length);
            out.write(policy);
            out.writeInt(optimizer.length);
            out.write(optimizer);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        new DataOutputStream(bytes).writeLong(crc.getValue());
        AtomicFiles.write(file, bytes.toByteArray());
    }

    public static LearnerCheckpoint load(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 8) {
            throw new IOException(file + " is not a learner checkpoint (too short)");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
        if (crc.getValue() != stored) {
            throw new IOException(file + " is corrupt (checksum mismatch)");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException(file + " is not a learner checkpoint");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(
                        file + " has learner checkpoint format " + format + "; this build reads " + FORMAT);
            }
            long step = in.readLong();
            long version = in.readLong();
            String topic = in.readUTF();
            int n = in.readInt();
            Map<Integer, Long> offsets = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                offsets.put(in.readInt(), in.readLong());
            }
            int g = in.readInt();
            List<String> ids = new ArrayList<>(g);
            for (int i = 0; i < g; i++) {
                ids.add(in.readUTF());
            }
            byte[] policy = in.readNBytes(in.readInt());
            byte[] optimizer = in.readNBytes(in.readInt());
            return new LearnerCheckpoint(policy, optimizer, step, version, topic, offsets, ids);
        }
    }
}
