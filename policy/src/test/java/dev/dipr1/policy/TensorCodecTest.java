package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.Shape;
import dev.dipr1.policy.TensorCodec.NamedTensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorCodecTest {

    private static byte[] write(List<NamedTensor> tensors) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            TensorCodec.writeAll(out, tensors);
        }
        return bos.toByteArray();
    }

    private static List<NamedTensor> read(byte[] bytes) throws IOException {
        return TensorCodec.readAll(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    @Test
    void writesTheCheckpointsTensorLayoutByteForByte() throws IOException {
        // Given one tensor "ab" of shape [2] holding 1.0 and -2.0
        byte[] bytes = write(List.of(new NamedTensor("ab", new Shape(2), new float[] {1f, -2f})));
        // Then: count 1, UTF "ab", rank 1, dim 2 (big-endian ints), values little-endian float32
        assertEquals(
                "00000001" + "0002" + "6162" + "00000001" + "00000002" + "0000803f" + "000000c0",
                HexFormat.of().formatHex(bytes));
    }

    @Test
    void roundTripsNamesShapesAndValuesIncludingScalarsAndEmptyTensors() throws IOException {
        List<NamedTensor> tensors = List.of(
                new NamedTensor("w", new Shape(2, 3), new float[] {1, 2, 3, 4, 5, Float.NaN}),
                new NamedTensor("scalar", new Shape(), new float[] {7f}),
                new NamedTensor("empty", new Shape(0, 4), new float[0]));
        List<NamedTensor> back = read(write(tensors));
        assertEquals(3, back.size());
        for (int i = 0; i < tensors.size(); i++) {
            assertEquals(tensors.get(i).name(), back.get(i).name());
            assertEquals(tensors.get(i).shape(), back.get(i).shape());
            assertArrayEquals(tensors.get(i).values(), back.get(i).values());
        }
        assertEquals(List.of(), read(write(List.of())));
    }

    @Test
    void truncatedValuesAreAnEofNamingTheTensor() throws IOException {
        byte[] bytes = write(List.of(new NamedTensor("head_w", new Shape(4), new float[4])));
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 1);
        EOFException e = assertThrows(EOFException.class, () -> read(cut));
        assertEquals("parameter head_w", e.getMessage());
    }

    @Test
    void negativeRankOrDimensionIsRefused() throws IOException {
        byte[] bytes = write(List.of(new NamedTensor("x", new Shape(1), new float[1])));
        byte[] negativeDim = bytes.clone();
        negativeDim[4 + 2 + 1 + 4 + 0] = (byte) 0xff; // first byte of the dimension
        assertThrows(IOException.class, () -> read(negativeDim));
        byte[] negativeRank = bytes.clone();
        negativeRank[4 + 2 + 1] = (byte) 0xff;
        assertThrows(IOException.class, () -> read(negativeRank));
    }

    @Test
    void aTensorWhoseValuesDoNotFillItsShapeCannotBeMade() {
        assertThrows(IllegalArgumentException.class, () -> new NamedTensor("x", new Shape(2, 2), new float[3]));
    }
}
