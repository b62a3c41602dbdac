package dev.dipr1.policy;

import dev.dipr1.rewards.Box;
import dev.dipr1.rewards.CompletionParser;
import java.util.ArrayList;
import java.util.List;

/**
 * The policy's confidence in each answer box it wrote, from its own token log-probabilities: a box
 * is four coordinate tokens {@code x1 y1 x2 y2} ({@link Tokenizer}), and its confidence is
 * {@code exp(mean of the four tokens' log-probs)} — the geometric mean of their probabilities, in
 * [0, 1]. With greedy decoding the log-probs are those of the argmax tokens at temperature 1
 * ({@link Sampler#greedyCompletions}).
 *
 * <p>Boxes are read from the tokens the way {@link CompletionParser} reads the decoded text, so
 * that the scored boxes are exactly the parser's answer boxes: the answer block is the tokens
 * between the first {@code <answer>} and the first {@code </answer>} after it, before the first
 * {@code <eos>}; {@code <pad>} and {@code <bos>} decode to nothing and are skipped; any other
 * non-coordinate token in the block, or a number of coordinate tokens that is not a multiple of
 * four, makes the decoded block unparsable (no boxes); each group of four is clipped to the image
 * and dropped when invalid ({@code x1 ≥ x2} or {@code y1 ≥ y2}), as rewards.md §1 says.
 * {@link #of} checks the result against the parser's boxes.
 */
public final class BoxConfidence {

    private BoxConfidence() {}

    /**
     * The confidence of each of {@code parsedAnswer}, the parser's answer boxes of this completion
     * (same order).
     *
     * @throws IllegalStateException when the boxes read from the tokens are not {@code parsedAnswer}
     *     (the token reading and the parser disagree: a bug)
     */
    public static double[] of(
            SampledCompletion completion, Tokenizer tokenizer, double width, double height, List<Box> parsedAnswer) {
        List<Box> boxes = new ArrayList<>();
        List<Double> confidences = new ArrayList<>();
        read(completion.tokenIds(), completion.logProbs(), tokenizer, width, height, boxes, confidences);
        if (!boxes.equals(parsedAnswer)) {
            throw new IllegalStateException("the answer boxes read from the tokens " + boxes + " are not the parser's "
                    + parsedAnswer + " for the completion '" + completion.text() + "'");
        }
        return confidences.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The answer boxes of a token sequence, read as the class comment says, with their confidences. */
    static void read(
            int[] ids,
            float[] logProbs,
            Tokenizer tokenizer,
            double width,
            double height,
            List<Box> boxes,
            List<Double> confidences) {
        int open = -1;
        int close = -1;
        for (int i = 0; i < ids.length && ids[i] != Tokenizer.EOS; i++) {
            if (open < 0 && ids[i] == Tokenizer.ANSWER_OPEN) {
                open = i;
            } else if (open >= 0 && ids[i] == Tokenizer.ANSWER_CLOSE) {
                close = i;
                break;
            }
        }
        if (close < 0) {
            return; // no answer block
        }
        List<Integer> coordinates = new ArrayList<>();
        for (int i = open + 1; i < close; i++) {
            if (tokenizer.isCoordinate(ids[i])) {
                coordinates.add(i);
            } else if (ids[i] != Tokenizer.PAD && ids[i] != Tokenizer.BOS) {
                return; // a word, count or tag in the block: its text is not BOXES
            }
        }
        if (coordinates.size() % 4 != 0) {
            return; // a short last group such as [40,22]: not BOXES
        }
        int first = tokenizer.firstCoordinate();
        for (int k = 0; k < coordinates.size(); k += 4) {
            double[] c = new double[4];
            double logProb = 0;
            for (int j = 0; j < 4; j++) {
                int at = coordinates.get(k + j);
                c[j] = ids[at] - first;
                logProb += logProbs[at];
            }
            Box b = new Box(c[0], c[1], c[2], c[3]).clip(width, height);
            if (b.isValid()) {
                boxes.add(b);
                confidences.add(Math.exp(logProb / 4));
            }
        }
    }
}
