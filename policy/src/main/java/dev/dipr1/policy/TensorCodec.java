package dev.dipr1.policy;

import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The one binary form of named float tensors in this package, used by the policy checkpoint
 * ({@link CheckpointCodec}) and the optimiser state ({@link AdamW}). A list is its length (int)
 * followed by each tensor: name ({@link DataOutputStream#writeUTF}), rank (int), each dimension
 * (int), then the values as little-endian float32. This is byte for byte the parameter section of
 * checkpoint format 1, so changing it changes {@link Policy#FORMAT_VERSION}.
 */
final class TensorCodec {

    /** One tensor: its name, shape and row-major values. */
    record NamedTensor(String name, Shape shape, float[] values) {

        NamedTensor {
            if (shape.size() != values.length) {
                throw new IllegalArgumentException(
                        "tensor " + name + " of shape " + shape + " has " + values.length + " values");
            }
        }
    }

    private TensorCodec() {}

    static void writeAll(DataOutputStream out, List<NamedTensor> tensors) throws IOException {
        out.writeInt(tensors.size());
        for (NamedTensor t : tensors) {
            write(out, t);
        }
    }

    static void write(DataOutputStream out, NamedTensor t) throws IOException {
        out.writeUTF(t.name());
        long[] dims = t.shape().getShape();
        out.writeInt(dims.length);
        for (long d : dims) {
            out.writeInt(Math.toIntExact(d));
        }
        ByteBuffer buf = ByteBuffer.allocate(t.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(t.values());
        out.write(buf.array());
    }

    /** Reads {@link #writeAll}'s form. @throws EOFException when the bytes end inside it */
    static List<NamedTensor> readAll(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("negative tensor count " + count);
        }
        List<NamedTensor> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(read(in));
        }
        return out;
    }

    static NamedTensor read(DataInputStream in) throws IOException {
        String name = in.readUTF();
        int rank = in.readInt();
        if (rank < 0) {
            throw new IOException("tensor " + name + " has negative rank " + rank);
        }
        long[] dims = new long[rank];
        for (int r = 0; r < rank; r++) {
            dims[r] = in.readInt();
            if (dims[r] < 0) {
                throw new IOException("tensor " + name + " has negative dimension " + dims[r]);
            }
        }
        return new NamedTensor(name, new Shape(dims), readFloats(in, new Shape(dims).size(), name));
    }

    /** {@code n} little-endian float32 values. */
    static float[] readFloats(DataInputStream in, long n, String what) throws IOException {
        byte[] raw = in.readNBytes(Math.toIntExact(n * Float.BYTES));
        if (raw.length != n * Float.BYTES) {
            throw new EOFException("parameter " + what);
        }
        float[] v = new float[Math.toIntExact(n)];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
