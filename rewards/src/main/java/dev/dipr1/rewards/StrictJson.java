package dev.dipr1.rewards;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.List;

/**
 * Jackson configured to accept exactly RFC 8259 JSON, as spec §1 asks of BOXES blocks, and the
 * reading of one JSON number into a double.
 */
final class StrictJson {

    /**
     * The lenient read features, each turned off (they are off by default; spelled out because the spec
     * depends on it): no NaN/Infinity, no leading '+', no leading or trailing '.', no leading zeros, no
     * comments, no single quotes, no unquoted keys, no raw control characters, no missing values or
     * trailing commas.
     */
    static final List<JsonReadFeature> LENIENT = List.of(
            JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
            JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
            JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
            JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
            JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS,
            JsonReadFeature.ALLOW_JAVA_COMMENTS,
            JsonReadFeature.ALLOW_YAML_COMMENTS,
            JsonReadFeature.ALLOW_SINGLE_QUOTES,
            JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
            JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
            JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
            JsonReadFeature.ALLOW_MISSING_VALUES,
            JsonReadFeature.ALLOW_TRAILING_COMMA,
            JsonReadFeature.ALLOW_RS_CONTROL_CHAR);

    /**
     * Strict JSON: none of {@link #LENIENT}. The length and depth limits are lifted: a 5,000-digit number or 20,000 nested arrays
     * are still JSON, and the completion length limit already bounds both. Field names are not
     * interned, so no text can fill or attack the shared symbol table.
     */
    static final JsonFactory FACTORY = strictFactory();

    /** Integers of at most this many characters (sign included) fit an int. */
    private static final int INT_CHARS = 9;

    private StrictJson() {}

    private static JsonFactory strictFactory() {
        JsonFactoryBuilder b = new JsonFactoryBuilder();
        for (JsonReadFeature f : LENIENT) {
            // One at a time: Jackson 2.21's disable(first, other...) enables the others.
            b.disable(f);
        }
        return b.disable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(Integer.MAX_VALUE)
                        .maxNestingDepth(Integer.MAX_VALUE)
                        .build())
                .build();
    }

    /**
     * The value of the number token at {@code json}, correctly rounded to the nearest double, with
     * {@code -0} read as -0.0 (Jackson reads an integer -0 as 0). Infinite when it overflows.
     */
    static double number(JsonParser json) throws IOException {
        if (json.currentToken() == JsonToken.VALUE_NUMBER_INT && json.getTextLength() <= INT_CHARS) {
            int value = json.getIntValue();
            boolean negativeZero = value == 0 && json.getTextCharacters()[json.getTextOffset()] == '-';
            return negativeZero ? -0.0 : value;
        }
        // Double.parseDouble: correctly rounded, infinite on overflow, 0 on underflow.
        return Double.parseDouble(json.getText());
    }
}
