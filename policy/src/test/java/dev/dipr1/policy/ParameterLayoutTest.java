package dev.dipr1.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterLayoutTest {

    private static final int VOCAB = new Tokenizer(64).vocabSize();

    @Test
    void defaultLayoutHasTheDocumentedParameterCount() {
        long count = ParameterLayout.shapes(PolicyConfig.defaults(), VOCAB).values().stream()
                .mapToLong(Shape::size)
                .sum();
        assertEquals(1_428_325, count);
    }

    @Test
    void namesComeInCheckpointOrderWithWeightsStoredOutByIn() {
        PolicyConfig c = PolicyConfig.tiny();
        Map<String, Shape> s = ParameterLayout.shapes(c, VOCAB);
        List<String> names = List.copyOf(s.keySet());
        assertEquals(List.of("stem0.w", "stem0.conv_b", "stem0.gn_g", "stem0.gn_b"), names.subList(0, 4));
        assertEquals(List.of("head_w", "head_b"), names.subList(names.size() - 2, names.size()));
        assertEquals(new Shape(3L * c.dModel(), c.dModel()), s.get("dec0.qkv_w"));
        assertEquals(new Shape(c.ffnDim(), c.dModel()), s.get("enc0.ff1_w"));
        assertEquals(new Shape(c.dModel(), c.ffnDim()), s.get("enc0.ff2_w"));
        assertEquals(new Shape(VOCAB, c.dModel()), s.get("head_w"));
        assertTrue(names.indexOf("enc.ln_g") < names.indexOf("tok.emb"));
    }

    @Test
    void initialValuesAreSeededWithUnitGainsAndZeroBiases() {
        PolicyConfig c = PolicyConfig.tiny();
        Map<String, float[]> a = ParameterLayout.initialValues(c, VOCAB, 3);
        Map<String, float[]> b = ParameterLayout.initialValues(c, VOCAB, 3);
        Map<String, float[]> other = ParameterLayout.initialValues(c, VOCAB, 4);
        assertArrayEquals(a.get("dec0.qkv_w"), b.get("dec0.qkv_w"));
        assertFalse(java.util.Arrays.equals(a.get("dec0.qkv_w"), other.get("dec0.qkv_w")));
        for (float g : a.get("dec0.ln1_g")) {
            assertEquals(1f, g);
        }
        for (float x : a.get("dec0.qkv_b")) {
            assertEquals(0f, x);
        }
    }

    @Test
    void residualOutputsStartSmallerThanOtherWeights() {
        PolicyConfig c = PolicyConfig.defaults();
        Map<String, float[]> v = ParameterLayout.initialValues(c, VOCAB, 1);
        double qkv = rms(v.get("dec0.qkv_w"));
        double o = rms(v.get("dec0.o_w"));
        // both N(0, 1/d); o additionally divided by sqrt(2 * (1 + 3)) = sqrt(8)
        assertEquals(1 / Math.sqrt(c.dModel()), qkv, 0.05 / Math.sqrt(c.dModel()));
        assertEquals(qkv / Math.sqrt(8), o, 0.1 * o);
    }

    private static double rms(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s / v.length);
    }
}
