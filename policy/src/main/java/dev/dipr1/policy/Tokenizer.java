package dev.dipr1.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The policy's vocabulary: special tokens, the six tags, a few words, count tokens and
 * coordinate tokens.
 *
 * <ul>
 *   <li>ids 0–2: {@code <pad>}, {@code <bos>}, {@code <eos>} (decode to nothing);
 *   <li>ids 3–8: {@code <think>} {@code </think>} {@code <look>} {@code </look>} {@code <answer>}
 *       {@code </answer>};
 *   <li>words, each decoded as written (leading spaces included): {@code Detect}, {@code " every"},
 *       {@code " person"}, {@code "."}, {@code " people"}, {@code ","}, {@code " dense"},
 *       {@code " left"}, {@code " centre"}, {@code " right"};
 *   <li>count tokens {@code 0..16} (decoded as the number);
 *   <li>coordinate tokens {@code 0..imageSize} (integer pixel coordinates).
 * </ul>
 *
 * <p>A box is four consecutive coordinate tokens {@code x1 y1 x2 y2}; brackets and commas exist
 * only in the decoded text. {@link #decode} turns each maximal run of coordinate tokens into
 * {@code [x1,y1,x2,y2]} groups joined by {@code ,} — wrapped in one more pair of brackets inside an
 * answer block — so a well-formed completion decodes to the canonical form of rewards.md §1:
 * {@code <think>5 people, dense left</think><look>[12,30,20,54]</look><answer>[[12,30,20,54],[40,22,50,60]]</answer>}.
 * A run whose length is not a multiple of four decodes to a short last group such as
 * {@code [40,22]}, which the reward parser rejects: garbled token sequences decode to garbled
 * text rather than being repaired.
 */
public final class Tokenizer {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int THINK_OPEN = 3;
    public static final int THINK_CLOSE = 4;
    public static final int LOOK_OPEN = 5;
    public static final int LOOK_CLOSE = 6;
    public static final int ANSWER_OPEN = 7;
    public static final int ANSWER_CLOSE = 8;
    public static final int W_DETECT = 9;
    public static final int W_EVERY = 10;
    public static final int W_PERSON = 11;
    public static final int W_PERIOD = 12;
    public static final int W_PEOPLE = 13;
    public static final int W_COMMA = 14;
    public static final int W_DENSE = 15;
    public static final int W_LEFT = 16;
    public static final int W_CENTRE = 17;
    public static final int W_RIGHT = 18;
    public static final int FIRST_COUNT = 19;
    /** Count tokens cover 0..MAX_COUNT; larger counts are written as MAX_COUNT. */
    public static final int MAX_COUNT = 16;

    /** The question every prompt asks. */
    public static final String QUESTION = "Detect every person.";

    private static final String[] FIXED = {
        "<pad>",
        "<bos>",
        "<eos>",
        "<think>",
        "</think>",
        "<look>",
        "</look>",
        "<answer>",
        "</answer>",
        "Detect",
        " every",
        " person",
        ".",
        " people",
        ",",
        " dense",
        " left",
        " centre",
        " right"
    };

    /** Where the people are densest, as written in the think block. */
    public enum Side {
        LEFT(W_LEFT),
        CENTRE(W_CENTRE),
        RIGHT(W_RIGHT);

        final int token;

        Side(int token) {
            this.token = token;
        }
    }

    private final int maxCoordinate;
    private final List<String> vocabulary;
    private final Map<String, Integer> index = new HashMap<>();

    /** The tokenizer for images of {@code imageSize × imageSize} pixels (coordinates 0..imageSize). */
    public Tokenizer(int imageSize) {
        if (imageSize <= 0 || imageSize > 4096) {
            throw new IllegalArgumentException("image size " + imageSize + " out of range 1..4096");
        }
        this.maxCoordinate = imageSize;
        List<String> v = new ArrayList<>(List.of(FIXED));
        for (int c = 0; c <= MAX_COUNT; c++) {
            v.add("count:" + c);
        }
        for (int c = 0; c <= maxCoordinate; c++) {
            v.add("coord:" + c);
        }
        this.vocabulary = Collections.unmodifiableList(v);
        for (int i = 0; i < v.size(); i++) {
            index.put(v.get(i), i);
        }
    }

    /** Token names by id, as stored in checkpoints ({@code coord:12}, {@code count:5}, {@code " every"}, …). */
    public List<String> vocabulary() {
        return vocabulary;
    }

    public int vocabSize() {
        return vocabulary.size();
    }

    public int maxCoordinate() {
        return maxCoordinate;
    }

    public int firstCoordinate() {
        return FIRST_COUNT + MAX_COUNT + 1;
    }

    public int countToken(int count) {
        return FIRST_COUNT + Math.max(0, Math.min(MAX_COUNT, count));
    }

    public int coordinateToken(int value) {
        if (value < 0 || value > maxCoordinate) {
            throw new IllegalArgumentException("coordinate " + value + " outside 0.." + maxCoordinate);
        }
        return firstCoordinate() + value;
    }

    public boolean isCoordinate(int id) {
        return id >= firstCoordinate() && id <= firstCoordinate() + maxCoordinate;
    }

    public boolean isCount(int id) {
        return id >= FIRST_COUNT && id <= FIRST_COUNT + MAX_COUNT;
    }

    /** The prompt: {@code <bos> Detect every person .} */
    public int[] promptIds() {
        return new int[] {BOS, W_DETECT, W_EVERY, W_PERSON, W_PERIOD};
    }

    /**
     * The completion tokens of an SFT target, ending with {@code <eos>}: think = {@code "N people,
     * dense SIDE"} ({@code "1 person"}, {@code "0 people"}; the side only with two or more), look =
     * the look boxes, answer = the answer boxes. Boxes are {@code int[4]} {x1, y1, x2, y2} in pixels,
     * clamped to {@code 0..imageSize}.
     *
     * @param dense where the people are densest, or null to leave it out
     */
    public int[] encodeTarget(int count, Side dense, List<int[]> lookBoxes, List<int[]> answerBoxes) {
        List<Integer> out = new ArrayList<>();
        out.add(THINK_OPEN);
        out.add(countToken(count));
        out.add(count == 1 ? W_PERSON : W_PEOPLE);
        if (dense != null) {
            out.add(W_COMMA);
            out.add(W_DENSE);
            out.add(dense.token);
        }
        out.add(THINK_CLOSE);
        out.add(LOOK_OPEN);
        addBoxes(out, lookBoxes);
        out.add(LOOK_CLOSE);
        out.add(ANSWER_OPEN);
        addBoxes(out, answerBoxes);
        out.add(ANSWER_CLOSE);
        out.add(EOS);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void addBoxes(List<Integer> out, List<int[]> boxes) {
        for (int[] b : boxes) {
            if (b.length != 4) {
                throw new IllegalArgumentException("a box has 4 coordinates, got " + b.length);
            }
            for (int c : b) {
                out.add(coordinateToken(Math.max(0, Math.min(maxCoordinate, c))));
            }
        }
    }

    /**
     * The text of a token sequence, up to the first {@code <eos>} (exclusive); {@code <pad>} and
     * {@code <bos>} are skipped. See the class comment for how coordinate runs are written.
     */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        List<Integer> run = new ArrayList<>();
        boolean inAnswer = false;
        for (int id : ids) {
            if (id == EOS) {
                break;
            }
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException(
                        "token id " + id + " outside the vocabulary 0.." + (vocabulary.size() - 1));
            }
            if (id == PAD || id == BOS) {
                continue;
            }
            if (isCoordinate(id)) {
                run.add(id - firstCoordinate());
                continue;
            }
            flush(sb, run, inAnswer);
            if (isCount(id)) {
                sb.append(id - FIRST_COUNT);
            } else {
                sb.append(FIXED[id]);
            }
            if (id == ANSWER_OPEN) {
                inAnswer = true;
            } else if (id == ANSWER_CLOSE || id == LOOK_OPEN || id == THINK_OPEN) {
                inAnswer = false;
            }
        }
        flush(sb, run, inAnswer);
        return sb.toString();
    }

    private static void flush(StringBuilder sb, List<Integer> run, boolean wrap) {
        if (run.isEmpty()) {
            return;
        }
        if (wrap) {
            sb.append('[');
        }
        for (int i = 0; i < run.size(); i += 4) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('[');
            for (int j = i; j < Math.min(i + 4, run.size()); j++) {
                if (j > i) {
                    sb.append(',');
                }
                sb.append(run.get(j));
            }
            sb.append(']');
        }
        if (wrap) {
            sb.append(']');
        }
        run.clear();
    }

    /** The id of a vocabulary name, e.g. {@code coord:12}; -1 when unknown. */
    public int idOf(String name) {
        return index.getOrDefault(name, -1);
    }
}
