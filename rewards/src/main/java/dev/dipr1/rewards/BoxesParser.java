package dev.dipr1.rewards;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Parser for the BOXES grammar of spec §1: the box grammar is here, the JSON tokens come from
 * Jackson ({@link StrictJson}).
 *
 * <p>Accepted, each with optional surrounding whitespace (space, tab, CR, LF):
 * <ul>
 *   <li>empty, or the empty JSON array {@code []} (whitespace may stand inside);</li>
 *   <li>a JSON array of 4-number arrays {@code [[x1,y1,x2,y2], …]};</li>
 *   <li>a sequence of 4-number arrays separated by one comma (optional whitespace around it) or by
 *       whitespace alone; a sequence of one is a single box;</li>
 *   <li>a JSON array of objects, each holding a 4-number array under {@code "bbox_2d"}; other keys
 *       hold any JSON value and are ignored; a repeated key: the last occurrence wins.</li>
 * </ul>
 * Numbers follow JSON number syntax exactly; a number (anywhere in the block, ignored keys included)
 * whose value overflows a double makes the block unparsable; more than {@value #MAX_BOXES} boxes make
 * it unparsable. Not thread-safe: one instance per block.
 */
final class BoxesParser {

    static final int MAX_BOXES = 512;

    private static final String BBOX_KEY = "bbox_2d";

    private final String s;
    private final int start;
    private final int end;

    /** Parsed boxes, 4 coordinates each, unclipped. */
    private double[] coords = new double[64];
    private int count;
    private String error;

    /** The box being read. */
    private final double[] quad = new double[4];
    /** What an early end of the text leaves unclosed, for the message. */
    private String unclosed;

    BoxesParser(String s, int start, int end) {
        this.s = s;
        this.start = start;
        this.end = end;
    }

    /** Number of boxes parsed (valid after a successful {@link #parse()}). */
    int count() {
        return count;
    }

    /** Coordinate k (0..3) of box i, unclipped. */
    double coord(int i, int k) {
        return coords[4 * i + k];
    }

    /** Why the block is unparsable, null after a successful parse. */
    String error() {
        return error;
    }

    /** Parses {@code s[start, end)}; true when it is a BOXES block. */
    boolean parse() {
        try {
            read();
            return true;
        } catch (Unparsable e) {
            error = e.getMessage();
        } catch (JsonEOFException e) {
            error = unclosed;
        } catch (IOException e) {
            error = "invalid JSON: " + firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage()
                    : e.getMessage());
        }
        return false;
    }

    private void read() throws IOException {
        int p = skipWs(s, start, end);
        if (p == end) {
            return; // whitespace only: no boxes
        }
        if (s.charAt(p) != '[') {
            throw new Unparsable("expected '['");
        }
        int q = skipWs(s, p + 1, end);
        if (q == end) {
            throw new Unparsable("unclosed '['");
        }
        char first = s.charAt(q);
        if (first == ']') {
            expect(skipWs(s, q + 1, end) == end, "unexpected text after the boxes");
            return; // []: no boxes
        }
        char[] block = new char[end - p];
        s.getChars(p, end, block, 0);
        // The first element decides the form: an array or an object opens a JSON array of them.
        int after = first == '[' || first == '{' ? readArray(block) : readSequence(block);
        if (skipWs(block, after, block.length) != block.length) {
            throw new Unparsable("unexpected text after the boxes");
        }
    }

    // ---- the three non-empty forms -------------------------------------------------------------

    /**
     * {@code [ element (, element)* ]} at block[0]; the elements are all 4-number arrays or
     * all objects holding {@code bbox_2d}, as the first one is. Returns the index after the closing ']'.
     */
    private int readArray(char[] block) throws IOException {
        try (JsonParser json = StrictJson.FACTORY.createParser(block, 0, block.length)) {
            json.nextToken(); // '['
            unclosed = "unclosed '['";
            JsonToken t = json.nextToken();
            boolean objects = t == JsonToken.START_OBJECT;
            while (t != JsonToken.END_ARRAY) {
                if (objects) {
                    expect(t == JsonToken.START_OBJECT, "expected an object with \"bbox_2d\"");
                    readObject(json);
                } else {
                    expect(t == JsonToken.START_ARRAY, "expected a 4-number array");
                    readQuad(json);
                }
                addQuad();
                unclosed = "unclosed '['";
                t = json.nextToken();
            }
            return (int) json.currentLocation().getCharOffset();
        }
    }

    /**
     * {@code [x,y,x,y] (sep [x,y,x,y])*} at block[0], sep = one comma with optional whitespace, or
     * whitespace alone. The separators are not JSON: each is checked here, and a comma is blanked out
     * of {@code block} (our own copy) before Jackson reaches it, so that Jackson reads the boxes as
     * whitespace-separated top-level values. Returns the index after the last box.
     */
    private int readSequence(char[] block) throws IOException {
        try (JsonParser json = StrictJson.FACTORY.createParser(block, 0, block.length)) {
            while (true) {
                json.nextToken(); // '['
                readQuad(json);
                addQuad();
                int p = (int) json.currentLocation().getCharOffset();
                int q = skipWs(block, p, block.length);
                if (q == block.length) {
                    return q;
                }
                if (block[q] == ',') {
                    block[q] = ' ';
                    q = skipWs(block, q + 1, block.length);
                    expect(q < block.length && block[q] == '[', "expected a box after ','");
                } else {
                    expect(block[q] == '[' && q > p, "boxes must be separated by one comma or by whitespace");
                }
            }
        }
    }

    /** The object whose '{' is the current token; leaves its (last) {@code bbox_2d} in {@link #quad}. */
    private void readObject(JsonParser json) throws IOException {
        boolean seen = false;
        boolean isQuad = false;
        unclosed = "unclosed '{'";
        for (JsonToken t = json.nextToken(); t != JsonToken.END_OBJECT; t = json.nextToken()) {
            boolean bbox = BBOX_KEY.equals(json.currentName()); // t is a key: Jackson checks the syntax
            json.nextToken();
            if (bbox) {
                seen = true;
                isQuad = readBbox(json);
            } else {
                skipValue(json);
            }
            unclosed = "unclosed '{'";
        }
        expect(seen, "object without \"bbox_2d\"");
        expect(isQuad, "\"bbox_2d\" is not a 4-number array");
    }

    /** The 4-number array whose '[' is the current token, into {@link #quad}. */
    private void readQuad(JsonParser json) throws IOException {
        unclosed = "unclosed box";
        for (int k = 0; k < 4; k++) {
            JsonToken t = json.nextToken();
            if (!t.isNumeric()) {
                expect(t != JsonToken.END_ARRAY || k == 0, "a box needs 4 numbers separated by ','");
                throw new Unparsable("not a number at '" + firstChar(t) + "'");
            }
            quad[k] = finite(json);
        }
        expect(json.nextToken() == JsonToken.END_ARRAY, "a box holds exactly 4 numbers");
    }

    /**
     * Reads the whole value at the current token (any JSON value, every number checked); true when it
     * is an array of exactly 4 numbers, then in {@link #quad}.
     */
    private boolean readBbox(JsonParser json) throws IOException {
        if (json.currentToken() != JsonToken.START_ARRAY) {
            skipValue(json);
            return false;
        }
        unclosed = "unclosed container";
        int numbers = 0;
        boolean flat = true;
        for (JsonToken t = json.nextToken(); t != JsonToken.END_ARRAY; t = json.nextToken()) {
            if (t.isNumeric()) {
                double v = finite(json);
                if (numbers < 4) {
                    quad[numbers] = v;
                }
                numbers++;
            } else {
                flat = false;
                skipValue(json);
            }
        }
        return flat && numbers == 4;
    }

    /** Skips the value at the current token, checking every number in it (iteratively: no deep recursion). */
    private void skipValue(JsonParser json) throws IOException {
        unclosed = "unclosed container";
        int depth = 0;
        JsonToken t = json.currentToken();
        while (true) {
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            } else if (t.isNumeric()) {
                finite(json);
            }
            if (depth == 0) {
                return;
            }
            t = json.nextToken();
        }
    }

    private void addQuad() {
        expect(count < MAX_BOXES, "more than " + MAX_BOXES + " boxes");
        if (4 * count + 4 > coords.length) {
            coords = Arrays.copyOf(coords, coords.length * 2);
        }
        System.arraycopy(quad, 0, coords, 4 * count, 4);
        count++;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static double finite(JsonParser json) throws IOException {
        double value = StrictJson.number(json);
        expect(!Double.isInfinite(value), "number overflows a double");
        return value;
    }

    /** The character that starts a token that is not a number. */
    private static char firstChar(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> '[';
            case END_ARRAY -> ']';
            case START_OBJECT -> '{';
            case VALUE_STRING -> '"';
            case VALUE_TRUE -> 't';
            case VALUE_FALSE -> 'f';
            default -> 'n';
        };
    }

    private static void expect(boolean condition, String otherwise) {
        if (!condition) {
            throw new Unparsable(otherwise);
        }
    }

    private static int skipWs(CharSequence text, int from, int to) {
        int p = from;
        while (p < to && isWs(text.charAt(p))) {
            p++;
        }
        return p;
    }

    private static int skipWs(char[] text, int from, int to) {
        int p = from;
        while (p < to && isWs(text[p])) {
            p++;
        }
        return p;
    }

    /** Whitespace is space, tab, CR and LF only (spec §1). */
    private static boolean isWs(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** A box-grammar error; unchecked so that it passes through the JSON loops, never leaves this class. */
    private static final class Unparsable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unparsable(String message) {
            super(message, null, false, false);
        }
    }
}
