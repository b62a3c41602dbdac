package dev.dipr1.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The strict Jackson set-up under the BOXES parser, and its reading of numbers. */
class StrictJsonTest {

    /** The single number in {@code [number]}, as {@link StrictJson#number} reads it. */
    static double read(String number) throws IOException {
        try (JsonParser json = StrictJson.FACTORY.createParser("[" + number + "]")) {
            json.nextToken();
            assertTrue(json.nextToken().isNumeric(), number);
            double value = StrictJson.number(json);
            assertEquals(JsonToken.END_ARRAY, json.nextToken(), number);
            return value;
        }
    }

    @Test
    void noLenientFeatureIsOn() {
        for (JsonReadFeature f : StrictJson.LENIENT) {
            assertFalse(StrictJson.FACTORY.isEnabled(f.mappedFeature()), f.name());
        }
        // Every JsonReadFeature is a leniency: a new one in a Jackson upgrade must be looked at.
        assertEquals(Set.of(JsonReadFeature.values()), Set.copyOf(StrictJson.LENIENT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "+1", ".5", "1.", "01", "-01", "Infinity", "0x10", "'1'"})
    void lenientNumbersAreRejected(String number) {
        assertThrows(JsonProcessingException.class, () -> read(number));
    }

    @Test
    void integersReadExactlyWithTheSignOfZero() throws IOException {
        assertEquals(-0.0, read("-0"));
        assertEquals(0.0, read("0"));
        assertEquals(-123456789.0, read("-123456789"));
        assertEquals(1234567890.0, read("1234567890"));
        assertEquals(9007199254740992.0, read("9007199254740993")); // rounds to even
        assertEquals(Double.parseDouble("123456789012345678901234"), read("123456789012345678901234"));
    }

    @Test
    void fractionsAndExponentsAreCorrectlyRounded() throws IOException {
        for (String s : new String[] {
            "0.1",
            "-0.0",
            "1e-400",
            "2.2250738585072014E-308",
            "4.9e-324",
            "1e23",
            "3.14159265358979323846264338327950288"
        }) {
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(s)), Double.doubleToRawLongBits(read(s)), s);
        }
    }

    @Test
    void overflowIsInfiniteNotAnError() throws IOException {
        assertEquals(Double.POSITIVE_INFINITY, read("1e400"));
        assertEquals(Double.NEGATIVE_INFINITY, read("-1" + "0".repeat(400)));
    }

    @Test
    void longNumbersAndDeepNestingAreStillJson() throws IOException {
        assertEquals(0.0, read("0." + "0".repeat(5000) + "1"));
        int depth = 20_000;
        try (JsonParser json = StrictJson.FACTORY.createParser("[".repeat(depth) + "]".repeat(depth))) {
            int tokens = 0;
            while (json.nextToken() != null) {
                tokens++;
            }
            assertEquals(2 * depth, tokens);
        }
    }

    @Test
    void lastTokenIsCheckedToo() throws IOException {
        try (JsonParser json = StrictJson.FACTORY.createParser("[1, 2,]")) {
            assertEquals(JsonToken.START_ARRAY, json.nextToken());
            json.nextToken();
            json.nextToken();
            assertThrows(JsonProcessingException.class, json::nextToken);
        }
    }
}
