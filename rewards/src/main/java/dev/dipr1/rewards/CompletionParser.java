package dev.dipr1.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Reads a completion as in spec §1 (structure, BOXES, clipping) and §3 (the answer block). */
public final class CompletionParser {

    /** Completions longer than this many Unicode code points are not parsed (flagged too long). */
    public static final int MAX_CODE_POINTS = 16384;

    static final String THINK_OPEN = "<think>";
    static final String THINK_CLOSE = "</think>";
    static final String LOOK_OPEN = "<look>";
    static final String LOOK_CLOSE = "</look>";
    static final String ANSWER_OPEN = "<answer>";
    static final String ANSWER_CLOSE = "</answer>";
    private static final String[] TAGS = {THINK_OPEN, THINK_CLOSE, LOOK_OPEN, LOOK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE};

    private CompletionParser() {}

    /**
     * Parses one completion for an image of {@code width × height} pixels. Never throws for any text.
     *
     * @throws NullPointerException when text is null
     */
    public static ParsedCompletion parse(String text, double width, double height) {
        Objects.requireNonNull(text, "text");
        int length = text.length();
        if (length > MAX_CODE_POINTS) {
            int codePoints = text.codePointCount(0, length); // count code points, not chars
            if (codePoints > MAX_CODE_POINTS) {
                return new ParsedCompletion(
                        true,
                        false,
                        false,
                        List.of(),
                        List.of(),
                        0,
                        "too long: " + codePoints + " code points > " + MAX_CODE_POINTS);
            }
        }

        // §3: the answer block is the text between the first <answer> and the first </answer> after it,
        // read whatever the format.
        int answerOpen = text.indexOf(ANSWER_OPEN);
        int answerClose = answerOpen < 0 ? -1 : text.indexOf(ANSWER_CLOSE, answerOpen + ANSWER_OPEN.length());
        Block answer = answerClose < 0
                ? null
                : Block.read(text, answerOpen + ANSWER_OPEN.length(), answerClose, width, height);
        boolean readable = answer != null && answer.parsable();
        List<Box> answerBoxes = readable ? answer.valid() : List.of();
        int invalid = readable ? answer.invalid() : 0;

        // §1/§2: the canonical structure.
        int[] at = new int[TAGS.length];
        String error = structureError(text, at);
        List<Box> lookBoxes = List.of();
        if (error == null) {
            Block look = Block.read(text, at[2] + LOOK_OPEN.length(), at[3], width, height);
            if (!look.parsable()) {
                error = "unparsable look block: " + look.error();
            } else {
                invalid += look.invalid();
                if (!readable) {
                    error = "unparsable answer block: " + answer.error();
                } else if (look.invalid() > 0) {
                    error = "invalid box in look block";
                } else if (answer.invalid() > 0) {
                    error = "invalid box in answer block";
                } else {
                    lookBoxes = look.valid();
                }
            }
        }
        return new ParsedCompletion(false, error == null, readable, answerBoxes, lookBoxes, invalid, error);
    }

    /**
     * Checks the six tags (each exactly once, case-sensitive, in order), the text outside the blocks
     * (whitespace only) and the think block (some non-whitespace); fills {@code at} with the tag
     * positions. Returns null when all hold, else the reason.
     */
    private static String structureError(String text, int[] at) {
        for (int t = 0; t < TAGS.length; t++) {
            int first = text.indexOf(TAGS[t]);
            if (first < 0) {
                return "missing " + TAGS[t];
            }
            if (text.indexOf(TAGS[t], first + 1) >= 0) {
                return "duplicate " + TAGS[t];
            }
            at[t] = first;
        }
        for (int t = 1; t < TAGS.length; t++) {
            if (at[t] < at[t - 1] + TAGS[t - 1].length()) {
                return "tags out of order: " + TAGS[t] + " before " + TAGS[t - 1];
            }
        }
        if (!isBlank(text, 0, at[0])
                || !isBlank(text, at[1] + THINK_CLOSE.length(), at[2])
                || !isBlank(text, at[3] + LOOK_CLOSE.length(), at[4])
                || !isBlank(text, at[5] + ANSWER_CLOSE.length(), text.length())) {
            return "text outside the blocks";
        }
        if (isBlank(text, at[0] + THINK_OPEN.length(), at[1])) {
            return "empty think";
        }
        return null;
    }

    /** Whitespace is space, tab, CR and LF only (spec §1); used for the think block too. */
    static boolean isBlank(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** A parsed box block: parsable or not, its valid clipped boxes and how many were invalid. */
    private record Block(boolean parsable, List<Box> valid, int invalid, String error) {

        static Block read(String text, int from, int to, double width, double height) {
            BoxesParser parser = new BoxesParser(text, from, to);
            if (!parser.parse()) {
                return new Block(false, List.of(), 0, parser.error());
            }
            int n = parser.count();
            List<Box> valid = new ArrayList<>(n);
            int invalid = 0;
            for (int i = 0; i < n; i++) {
                Box b = new Box(parser.coord(i, 0), parser.coord(i, 1), parser.coord(i, 2), parser.coord(i, 3))
                        .clip(width, height);
                if (b.isValid()) {
                    valid.add(b);
                } else {
                    invalid++;
                }
            }
            return new Block(true, valid, invalid, null);
        }
    }
}
