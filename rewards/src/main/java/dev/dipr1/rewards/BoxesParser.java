package dev.dipr1.rewards;

/**
 * Hand-written parser for the BOXES grammar of spec §1 (no regex, no allocation per number).
 *
 * <p>Accepted, each with optional surrounding whitespace (space, tab, CR, LF):
 * <ul>
 *   <li>empty, or the empty JSON array {@code []} (whitespace may stand inside);</li>
 *   <li>a JSON array of 4-number arrays {@code [[x1,y1,x2,y2], …]};</li>
 *   <li>a sequence of 4-number arrays separated by one comma (optional whitespace around it) or by
 *       whitespace alone; a sequence of one is a single box;</li>
 *   <li>a JSON array of objects, each holding a 4-number array under {@code "bbox_2d"}; other keys
 *       hold any JSON value and are ignored.</li>
 * </ul>
 * Numbers follow JSON number syntax exactly; a number (anywhere in the block, ignored keys included)
 * whose value overflows a double makes the block unparsable; more than {@value #MAX_BOXES} boxes make
 * it unparsable. Not thread-safe: one instance per block.
 */
final class BoxesParser {

    static final int MAX_BOXES = 512;

    private static final double TWO_POW_53 = 9007199254740992.0;
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    private final String s;
    private final int start;
    private final int end;

    /** Parsed boxes, 4 coordinates each, unclipped. */
    private double[] coords = new double[64];
    private int count;
    private String error;

    private double num;            // value of the last number scanned
    private final double[] quad = new double[4];
    private boolean[] stack;        // generic value skipper: true = object, false = array

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
        int p = skipWs(start);
        if (p == end) {
            return true; // whitespace only: no boxes
        }
        if (s.charAt(p) != '[') {
            return failed("expected '['");
        }
        int q = skipWs(p + 1);
        if (q == end) {
            return failed("unclosed '['");
        }
        char c = s.charAt(q);
        int after;
        if (c == ']') {
            after = q + 1; // []
        } else if (c == '[') {
            after = parseArray(p, false);
        } else if (c == '{') {
            after = parseArray(p, true);
        } else {
            after = parseSequence(p);
        }
        if (after < 0) {
            return false;
        }
        if (skipWs(after) != end) {
            return failed("unexpected text after the boxes");
        }
        return true;
    }

    // ---- the three non-empty forms -------------------------------------------------------------

    /** {@code [x,y,x,y] (sep [x,y,x,y])*}, sep = one comma with optional whitespace, or whitespace alone. */
    private int parseSequence(int p) {
        p = parseQuad(p);
        if (p < 0 || !addQuad()) {
            return -1;
        }
        while (true) {
            int q = skipWs(p);
            if (q == end) {
                return q;
            }
            char c = s.charAt(q);
            if (c == ',') {
                q = skipWs(q + 1);
                if (q == end || s.charAt(q) != '[') {
                    return fail("expected a box after ','");
                }
            } else if (!(c == '[' && q > p)) {
                return fail("boxes must be separated by one comma or by whitespace");
            }
            p = parseQuad(q);
            if (p < 0 || !addQuad()) {
                return -1;
            }
        }
    }

    /**
     * {@code [ element (, element)* ]} with s[p] == '['; the elements are all 4-number arrays
     * ({@code objects == false}) or all objects holding {@code bbox_2d}.
     */
    private int parseArray(int p, boolean objects) {
        char open = objects ? '{' : '[';
        int q = p + 1;
        while (true) {
            q = skipWs(q);
            if (q == end || s.charAt(q) != open) {
                return fail(objects ? "expected an object with \"bbox_2d\"" : "expected a 4-number array");
            }
            q = objects ? parseObject(q) : parseQuad(q);
            if (q < 0 || !addQuad()) {
                return -1;
            }
            q = skipWs(q);
            if (q == end) {
                return fail("unclosed '['");
            }
            char c = s.charAt(q);
            if (c == ']') {
                return q + 1;
            }
            if (c != ',') {
                return fail("expected ',' or ']'");
            }
            q++;
        }
    }

    /**
     * A JSON object with s[p] == '{'; leaves its {@code bbox_2d} in {@link #quad}. A repeated key: the
     * last occurrence wins, as in common JSON libraries (earlier values must still be valid JSON).
     */
    private int parseObject(int p) {
        int q = skipWs(p + 1);
        if (q < end && s.charAt(q) == '}') {
            return fail("object without \"bbox_2d\"");
        }
        boolean seen = false;
        boolean isQuad = false;
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        while (true) {
            if (q == end || s.charAt(q) != '"') {
                return fail("expected a key");
            }
            int ks = q;
            q = scanString(q);
            if (q < 0) {
                return -1;
            }
            boolean bbox = isBboxKey(ks, q);
            q = skipWs(q);
            if (q == end || s.charAt(q) != ':') {
                return fail("expected ':'");
            }
            q = skipWs(q + 1);
            if (bbox) {
                seen = true;
                int r = q < end && s.charAt(q) == '[' ? parseQuad(q) : -1;
                if (r >= 0) {
                    isQuad = true;
                    b0 = quad[0];
                    b1 = quad[1];
                    b2 = quad[2];
                    b3 = quad[3];
                    q = r;
                } else {
                    error = null;
                    q = skipValue(q); // still must be valid JSON
                    if (q < 0) {
                        return -1;
                    }
                    isQuad = false;
                }
            } else {
                q = skipValue(q);
                if (q < 0) {
                    return -1;
                }
            }
            q = skipWs(q);
            if (q == end) {
                return fail("unclosed '{'");
            }
            char c = s.charAt(q);
            if (c == '}') {
                q++;
                break;
            }
            if (c != ',') {
                return fail("expected ',' or '}'");
            }
            q = skipWs(q + 1);
        }
        if (!seen) {
            return fail("object without \"bbox_2d\"");
        }
        if (!isQuad) {
            return fail("\"bbox_2d\" is not a 4-number array");
        }
        quad[0] = b0;
        quad[1] = b1;
        quad[2] = b2;
        quad[3] = b3;
        return q;
    }

    /** {@code [ num , num , num , num ]} with whitespace anywhere between tokens; values into {@link #quad}. */
    private int parseQuad(int p) {
        if (p >= end || s.charAt(p) != '[') {
            return fail("expected '['");
        }
        int q = p + 1;
        for (int k = 0; k < 4; k++) {
            q = skipWs(q);
            q = scanNumber(q);
            if (q < 0) {
                return -1;
            }
            quad[k] = num;
            q = skipWs(q);
            if (q == end) {
                return fail("unclosed box");
            }
            char expected = k < 3 ? ',' : ']';
            if (s.charAt(q) != expected) {
                return fail(k < 3 ? "a box needs 4 numbers separated by ','" : "a box holds exactly 4 numbers");
            }
            q++;
        }
        return q;
    }

    private boolean addQuad() {
        if (count == MAX_BOXES) {
            error = "more than " + MAX_BOXES + " boxes";
            return false;
        }
        if (4 * count + 4 > coords.length) {
            coords = java.util.Arrays.copyOf(coords, coords.length * 2);
        }
        System.arraycopy(quad, 0, coords, 4 * count, 4);
        count++;
        return true;
    }

    // ---- JSON tokens ---------------------------------------------------------------------------

    /**
     * Scans a JSON number at p into {@link #num}: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}.
     * Correctly rounded (exact fast path, else {@link Double#parseDouble}); overflow to infinity fails.
     */
    private int scanNumber(int p) {
        int q = p;
        boolean negative = false;
        if (q < end && s.charAt(q) == '-') {
            negative = true;
            q++;
        }
        if (q >= end || !isDigit(s.charAt(q))) {
            return fail(q < end ? "not a number at '" + s.charAt(q) + "'" : "expected a number");
        }
        long mantissa = 0;
        int digits = 0;          // significant digits in mantissa
        boolean exact = true;    // mantissa holds every significant digit
        int scale = 0;           // value = mantissa * 10^(scale + exponent)
        if (s.charAt(q) == '0') {
            q++;
        } else {
            while (q < end && isDigit(s.charAt(q))) {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (s.charAt(q) - '0');
                    digits++;
                } else {
                    exact = false;
                }
                q++;
            }
        }
        if (q < end && s.charAt(q) == '.') {
            q++;
            if (q >= end || !isDigit(s.charAt(q))) {
                return fail("a fraction needs digits after '.'");
            }
            while (q < end && isDigit(s.charAt(q))) {
                int d = s.charAt(q) - '0';
                if (mantissa == 0 && d == 0) {
                    scale--;                       // leading zero of the fraction
                } else if (digits < 18) {
                    mantissa = mantissa * 10 + d;
                    digits++;
                    scale--;
                } else {
                    exact = false;
                }
                q++;
            }
        }
        int exponent = 0;
        if (q < end && (s.charAt(q) == 'e' || s.charAt(q) == 'E')) {
            q++;
            boolean expNegative = false;
            if (q < end && (s.charAt(q) == '+' || s.charAt(q) == '-')) {
                expNegative = s.charAt(q) == '-';
                q++;
            }
            if (q >= end || !isDigit(s.charAt(q))) {
                return fail("an exponent needs digits");
            }
            while (q < end && isDigit(s.charAt(q))) {
                if (exponent < 100_000) {
                    exponent = exponent * 10 + (s.charAt(q) - '0');
                }
                q++;
            }
            if (expNegative) {
                exponent = -exponent;
            }
        }
        double value;
        int e10 = scale + exponent;
        if (mantissa == 0 && exact) {
            value = 0.0;
        } else if (exact && mantissa < TWO_POW_53 && e10 >= -22 && e10 <= 22) {
            // Clinger's fast path: both operands exact, one correctly rounded operation.
            value = e10 >= 0 ? mantissa * POW10[e10] : mantissa / POW10[-e10];
        } else {
            value = Double.parseDouble(s.substring(negative ? p + 1 : p, q)); // syntax already checked
        }
        if (Double.isInfinite(value)) {
            return fail("number overflows a double");
        }
        num = negative ? -value : value;
        return q;
    }

    /** Scans a JSON string with s[p] == '"'; returns the index after the closing quote. */
    private int scanString(int p) {
        int q = p + 1;
        while (q < end) {
            char c = s.charAt(q);
            if (c == '"') {
                return q + 1;
            }
            if (c < 0x20) {
                return fail("control character in a string");
            }
            if (c == '\\') {
                q++;
                if (q >= end) {
                    break;
                }
                char e = s.charAt(q);
                if (e == 'u') {
                    if (q + 4 >= end) {
                        return fail("bad \\u escape");
                    }
                    for (int k = 1; k <= 4; k++) {
                        if (!isHex(s.charAt(q + k))) {
                            return fail("bad \\u escape");
                        }
                    }
                    q += 5;
                    continue;
                }
                if ("\"\\/bfnrt".indexOf(e) < 0) {
                    return fail("bad escape in a string");
                }
            }
            q++;
        }
        return fail("unclosed string");
    }

    /** Whether the JSON string s[ks, ke) (quotes included) decodes to {@code bbox_2d}. */
    private boolean isBboxKey(int ks, int ke) {
        int n = ke - ks - 2;
        if (n == 7 && s.regionMatches(ks + 1, "bbox_2d", 0, 7)) {
            return true;
        }
        if (s.indexOf('\\', ks + 1) < 0 || s.indexOf('\\', ks + 1) >= ke) {
            return false;
        }
        StringBuilder b = new StringBuilder();
        for (int q = ks + 1; q < ke - 1; q++) {
            char c = s.charAt(q);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++q);
            switch (e) {
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(q + 1, q + 5), 16));
                    q += 4;
                }
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                default -> b.append(e); // " \ /
            }
        }
        return b.toString().equals("bbox_2d");
    }

    /** Skips any JSON value at p (iteratively: deep nesting cannot overflow the stack). */
    private int skipValue(int p) {
        int depth = 0;
        int q = p;
        while (true) {
            // expect a value at q
            q = skipWs(q);
            if (q == end) {
                return fail("expected a value");
            }
            char c = s.charAt(q);
            boolean opened = false;
            if (c == '{' || c == '[') {
                int r = skipWs(q + 1);
                if (r < end && s.charAt(r) == (c == '{' ? '}' : ']')) {
                    q = r + 1; // empty container
                } else {
                    push(depth++, c == '{');
                    q = r;
                    opened = true;
                    if (c == '{') {
                        q = key(q);
                        if (q < 0) {
                            return -1;
                        }
                    }
                }
            } else if (c == '"') {
                q = scanString(q);
            } else if (c == 't') {
                q = literal(q, "true");
            } else if (c == 'f') {
                q = literal(q, "false");
            } else if (c == 'n') {
                q = literal(q, "null");
            } else {
                q = scanNumber(q);
            }
            if (q < 0) {
                return -1;
            }
            if (opened) {
                continue;
            }
            // after a value: close containers or move to the next element
            boolean next = false;
            while (!next) {
                if (depth == 0) {
                    return q;
                }
                q = skipWs(q);
                if (q == end) {
                    return fail("unclosed container");
                }
                boolean object = stack[depth - 1];
                char d = s.charAt(q);
                if (d == ',') {
                    q++;
                    if (object) {
                        q = key(skipWs(q));
                        if (q < 0) {
                            return -1;
                        }
                    }
                    next = true;
                } else if (d == (object ? '}' : ']')) {
                    q++;
                    depth--;
                } else {
                    return fail("expected ',' or a closing bracket");
                }
            }
        }
    }

    /** {@code "key" :} at p; returns the index after the colon. */
    private int key(int p) {
        if (p >= end || s.charAt(p) != '"') {
            return fail("expected a key");
        }
        int q = scanString(p);
        if (q < 0) {
            return -1;
        }
        q = skipWs(q);
        if (q == end || s.charAt(q) != ':') {
            return fail("expected ':'");
        }
        return q + 1;
    }

    private void push(int depth, boolean object) {
        if (stack == null) {
            stack = new boolean[16];
        } else if (depth == stack.length) {
            stack = java.util.Arrays.copyOf(stack, depth * 2);
        }
        stack[depth] = object;
    }

    private int literal(int p, String word) {
        if (p + word.length() <= end && s.startsWith(word, p)) {
            return p + word.length();
        }
        return fail("not a JSON value");
    }

    private int skipWs(int p) {
        while (p < end) {
            char c = s.charAt(p);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            p++;
        }
        return p;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private int fail(String why) {
        if (error == null) {
            error = why;
        }
        return -1;
    }

    private boolean failed(String why) {
        fail(why);
        return false;
    }
}
