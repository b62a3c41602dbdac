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
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Everything a learner needs to resume exactly where it was: policy weights, optimiser state,
 * step, policy version, the next offset to read per partition of the advantages topic, the
 * ids of recently applied groups and the prompts whose groups were applied (a redone prompt can
 * reach the learner twice). Written atomically: a temporary file, fsync, then rename.
 *
 * <p>Format 3 added the applied prompts; formats 1 and 2 are still read (with none).
 *
 * @param versionStep the step whose weights were cut as policy version {@code policyVersion}, or
 *     {@link #UNKNOWN_STEP}; when it equals {@code step}, {@code policy} holds exactly that version's
 *     bytes, and the checkpoint was written before their publish (which a crash may have prevented)
 */
public record LearnerCheckpoint(
        byte[] policy,
        byte[] optimizer,
        long step,
        long policyVersion,
        long versionStep,
        String topic,
        Map<Integer, Long> nextOffsets,
        List<String> recentGroupIds,
        Map<Integer, List<AppliedPromptOffsets.Interval>> appliedPrompts) {

    /** The {@code versionStep} of checkpoints that do not say (format 1, written after their publish). */
    public static final long UNKNOWN_STEP = -1;

    private static final String MAGIC = "DIPR1LRN";
    private static final int FORMAT = 3;
    private static final int FORMAT_WITHOUT_APPLIED_PROMPTS = 2;
    private static final int FORMAT_WITHOUT_VERSION_STEP = 1;

    /** A checkpoint without applied prompts (what formats 1 and 2 held). */
    public LearnerCheckpoint(
            byte[] policy,
            byte[] optimizer,
            long step,
            long policyVersion,
            long versionStep,
            String topic,
            Map<Integer, Long> nextOffsets,
            List<String> recentGroupIds) {
        this(policy, optimizer, step, policyVersion, versionStep, topic, nextOffsets, recentGroupIds, Map.of());
    }

    /** A checkpoint that does not say at which step its policy version was cut. */
    public LearnerCheckpoint(
            byte[] policy,
            byte[] optimizer,
            long step,
            long policyVersion,
            String topic,
            Map<Integer, Long> nextOffsets,
            List<String> recentGroupIds) {
        this(policy, optimizer, step, policyVersion, UNKNOWN_STEP, topic, nextOffsets, recentGroupIds);
    }

    /** True when {@link #policy()} is the policy of version {@link #policyVersion()} and may never have been published. */
    public boolean holdsUnconfirmedPublish() {
        return versionStep == step && policyVersion > 0;
    }

    /**
     * Deletes the temporary files a crash inside {@link #save} can leave beside {@code file}; returns
     * how many. Only names with {@code AtomicFiles.tempPrefix(file)} and {@code .tmp} are touched.
     */
    public static int removeOrphanTemporaryFiles(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = AtomicFiles.tempPrefix(file);
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp") && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    public void save(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(step);
            out.writeLong(policyVersion);
            out.writeLong(versionStep);
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
            out.writeInt(appliedPrompts.size());
            for (Map.Entry<Integer, List<AppliedPromptOffsets.Interval>> e : appliedPrompts.entrySet()) {
                out.writeInt(e.getKey());
                out.writeInt(e.getValue().size());
                for (AppliedPromptOffsets.Interval i : e.getValue()) {
                    out.writeLong(i.start());
                    out.writeLong(i.end());
                }
            }
            out.writeInt(policy.length);
            out.write(policy);
            out.writeInt(optimizer.length);
            out.write(optimizer);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        new DataOutputStream(bytes).writeLong(crc.getValue());
        byte[] content = bytes.toByteArray();
        AtomicFiles.write(file, out -> {
            out.write(content);
            out.flush();
            CheckpointWindowHook.reached(CheckpointWindowHook.Point.BEFORE_RENAME, step);
        });
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
            if (format < FORMAT_WITHOUT_VERSION_STEP || format > FORMAT) {
                throw new IOException(file + " has learner checkpoint format " + format + "; this build reads "
                        + FORMAT_WITHOUT_VERSION_STEP + " to " + FORMAT);
            }
            long step = in.readLong();
            long version = in.readLong();
            long versionStep = format >= FORMAT_WITHOUT_APPLIED_PROMPTS ? in.readLong() : UNKNOWN_STEP;
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
            Map<Integer, List<AppliedPromptOffsets.Interval>> prompts = new LinkedHashMap<>();
            if (format >= FORMAT) {
                int partitions = in.readInt();
                for (int i = 0; i < partitions; i++) {
                    int partition = in.readInt();
                    int count = in.readInt();
                    List<AppliedPromptOffsets.Interval> intervals = new ArrayList<>(count);
                    for (int j = 0; j < count; j++) {
                        intervals.add(new AppliedPromptOffsets.Interval(in.readLong(), in.readLong()));
                    }
                    prompts.put(partition, intervals);
                }
            }
            byte[] policy = in.readNBytes(in.readInt());
            byte[] optimizer = in.readNBytes(in.readInt());
            return new LearnerCheckpoint(policy, optimizer, step, version, versionStep, topic, offsets, ids, prompts);
        }
    }
}
