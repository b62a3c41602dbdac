package dev.dipr1.rewards;

/**
 * Parser for the BOXES grammar of spec §1. The number forms are read here, by hand and without
 * allocation, because they are most of the scoring time; the {@code bbox_2d} object form, which
 * needs all of JSON (strings, escapes, any value under other keys), is read by Jackson in
 * {@link Bbox2dObjects}.
 *
 * <p>Accepted, each with optional surrounding whitespace (space, tab, CR, LF):
 * <ul>
 *   <li>empty, or the empty JSON array {@code []} (whitespace may stand inside);</li>
 *   <li>a JSON array of 4-number arrays {@code [[x1,y1,x2,y2], …]};</li>
 *   <li>a sequence of 4-number arrays separated by one comma (optional whitespace around it) or by
 *       whitespace alone; a sequence of one is a single box;</li>
 *   <li>a JSON array of objects, each holding a 4-number array under {@code "bbox_2d"}.</li>
 * </ul>
 * Numbers follow JSON number syntax exactly; a number (anywhere in the block, ignored keys included)
 * whose value overflows a double makes the block unparsable; more than {@value #MAX_BOXES} boxes make
 * it unparsable. Not thread-safe: one instance per block.
 */
final class BoxesParser {

    static final int MAX_BOXES = BoxList.MAX;

    private static final double TWO_POW_53 = 9007199254740992.0;
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };

    private final String s;
    private final int start;
    private final int end;

    private final BoxList boxes = new BoxList();
    private String error;

    private double num; // value of the last number scanned
    private final double[] quad = new double[4];

    BoxesParser(String s, int start, int end) {
        this.s = s;
        this.start = start;
        this.end = end;
    }

    /** Number of boxes parsed (valid after a successful {@link #parse()}). */
    int count() {
        return boxes.count();
    }

    /** Coordinate k (0..3) of box i, unclipped. */
    double coord(int i, int k) {
        return boxes.coord(i, k);
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
        // The first element decides the form.
        char c = s.charAt(q);
        int after;
        if (c == ']') {
            after = q + 1; // []
        } else if (c == '[') {
            after = parseArray(p);
        } else if (c == '{') {
            after = parseObjects(p);
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

    /** {@code [ quad (, quad)* ]} with s[p] == '['. */
    private int parseArray(int p) {
        int q = p + 1;
        while (true) {
            q = skipWs(q);
            if (q == end || s.charAt(q) != '[') {
                return fail("expected a 4-number array");
            }
            q = parseQuad(q);
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

    /** {@code [ {…"bbox_2d": quad…} (, {…})* ]} with s[p] == '[', through Jackson. */
    private int parseObjects(int p) {
        try {
            return Bbox2dObjects.read(s, p, end, boxes);
        } catch (BoxesSyntaxException e) {
            return fail(e.getMessage());
        }
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
        if (!boxes.add(quad)) {
            error = "more than " + MAX_BOXES + " boxes";
            return false;
        }
        return true;
    }

    // ---- JSON numbers --------------------------------------------------------------------------

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
        int digits = 0; // significant digits in mantissa
        boolean exact = true; // mantissa holds every significant digit
        int scale = 0; // value = mantissa * 10^(scale + exponent)
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
                    scale--; // leading zero of the fraction
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
