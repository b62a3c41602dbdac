package dev.dipr1.rewards;

import java.util.List;

/**
 * One completion as read by spec §1–§3.
 *
 * @param tooLong        longer than {@value CompletionParser#MAX_CODE_POINTS} code points: not parsed, every reward 0
 * @param wellFormed     {@code r_fmt == 1} (§2)
 * @param answerReadable §3: an answer block was found (first {@code <answer>}, first {@code </answer>} after it)
 *                       and its text parses as BOXES
 * @param answerBoxes    the valid clipped answer boxes (§3 reading, also when the format is 0); empty when unreadable
 * @param lookBoxes      the valid clipped look boxes of a well-formed completion, else empty
 * @param invalidBoxes   invalid boxes dropped: those of the readable answer block, plus those of the look block
 *                       when the tags, think block and look block are all in order
 * @param formatError    null when well formed, else a short human reason (e.g. {@code "missing </look>"})
 */
public record ParsedCompletion(
        boolean tooLong,
        boolean wellFormed,
        boolean answerReadable,
        List<Box> answerBoxes,
        List<Box> lookBoxes,
        int invalidBoxes,
        String formatError) {

    public ParsedCompletion {
        answerBoxes = List.copyOf(answerBoxes);
        lookBoxes = List.copyOf(lookBoxes);
    }
}
