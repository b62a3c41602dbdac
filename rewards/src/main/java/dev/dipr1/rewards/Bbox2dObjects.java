package dev.dipr1.rewards;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;

/**
 * The grounding form of Qwen2.5-VL (spec §1), read through Jackson: a JSON array of objects that each
 * hold a 4-number array under {@code bbox_2d}. Other keys hold any JSON value and are ignored, but
 * must be valid JSON and their numbers must not overflow a double; a repeated key: the last wins.
 */
final class Bbox2dObjects {

    private static final String BBOX_KEY = "bbox_2d";

    private final JsonParser json;
    private final BoxList boxes;
    private final double[] quad = new double[4];
    /** What an early end of the text leaves unclosed, for the message. */
    private String unclosed = "unclosed '['";

    private Bbox2dObjects(JsonParser json, BoxList boxes) {
        this.json = json;
        this.boxes = boxes;
    }

    /**
     * Reads the array at {@code text[from, to)} ({@code text[from] == '['}, its first element an object)
     * into {@code boxes}; returns the index after its closing ']'.
     *
     * @throws BoxesSyntaxException when it is not such an array, saying why
     */
    static int read(String text, int from, int to, BoxList boxes) throws BoxesSyntaxException {
        char[] block = new char[to - from];
        text.getChars(from, to, block, 0);
        try (JsonParser json = StrictJson.FACTORY.createParser(block, 0, block.length)) {
            Bbox2dObjects reader = new Bbox2dObjects(json, boxes);
            try {
                reader.readArray();
            } catch (JsonEOFException e) {
                throw new BoxesSyntaxException(reader.unclosed);
            }
            return from + (int) json.currentLocation().getCharOffset();
        } catch (JsonProcessingException e) {
            throw new BoxesSyntaxException("invalid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BoxesSyntaxException("invalid JSON: " + firstLine(e.getMessage()));
        }
    }

    private void readArray() throws IOException, BoxesSyntaxException {
        json.nextToken(); // '['
        for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
            expect(t == JsonToken.START_OBJECT, "expected an object with \"bbox_2d\"");
            readObject();
            if (!boxes.add(quad)) {
                throw new BoxesSyntaxException("more than " + BoxList.MAX + " boxes");
            }
            unclosed = "unclosed '['";
        }
    }

    /** The object whose '{' is the current token; leaves its (last) {@code bbox_2d} in {@link #quad}. */
    private void readObject() throws IOException, BoxesSyntaxException {
        boolean seen = false;
        boolean isQuad = false;
        unclosed = "unclosed '{'";
        for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
            boolean bbox = BBOX_KEY.equals(json.currentName()); // t is a key: Jackson checks the syntax
            json.nextToken();
            if (bbox) {
                seen = true;
                isQuad = readBbox();
            } else {
                skipValue();
            }
            unclosed = "unclosed '{'";
        }
        expect(seen, "object without \"bbox_2d\"");
        expect(isQuad, "\"bbox_2d\" is not a 4-number array");
    }

    /** Reads the whole value at the current token; true when it is an array of exactly 4 numbers, then in {@link #quad}. */
    private boolean readBbox() throws IOException, BoxesSyntaxException {
        if (json.currentToken() != JsonToken.START_ARRAY) {
            skipValue();
            return false;
        }
        unclosed = "unclosed container";
        int numbers = 0;
        boolean flat = true;
        for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
            if (t.isNumeric()) {
                double v = finite();
                if (numbers < 4) {
                    quad[numbers] = v;
                }
                numbers++;
            } else {
                flat = false;
                skipValue();
            }
        }
        return flat && numbers == 4;
    }

    /** Skips the value at the current token, checking every number in it (iteratively: no deep recursion). */
    private void skipValue() throws IOException, BoxesSyntaxException {
        unclosed = "unclosed container";
        int depth = 0;
        JsonToken t = json.currentToken();
        while (true) {
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            } else if (t.isNumeric()) {
                finite();
            }
            if (depth == 0) {
                return;
            }
            t = json.nextToken();
        }
    }

    private double finite() throws IOException, BoxesSyntaxException {
        double value = StrictJson.number(json);
        expect(!Double.isInfinite(value), "number overflows a double");
        return value;
    }

    private static void expect(boolean condition, String otherwise) throws BoxesSyntaxException {
        if (!condition) {
            throw new BoxesSyntaxException(otherwise);
        }
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
