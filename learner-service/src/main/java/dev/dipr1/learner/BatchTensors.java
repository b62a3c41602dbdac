package dev.dipr1.learner;

import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tensors of one GRPO batch as plain arrays, one row per completion that has tokens: N rows,
 * the longest completion T = {@code maxLength} tokens.
 *
 * @param images the decoded image of each group with at least one row, CHW, in batch order
 * @param imageOfRow for each row, the index of its group's image in {@code images}
 * @param tokens the completion tokens of each row (ragged)
 * @param oldLogProbs the behaviour log-probs the generator recorded for each row (ragged)
 * @param advantages one advantage per row
 * @param lengths the token count of each row
 * @param temperature the sampling temperature of the first group, used for the whole batch
 * @param maxLength the longest row
 */
public record BatchTensors(
        float[][] images,
        int[] imageOfRow,
        int[][] tokens,
        float[][] oldLogProbs,
        float[] advantages,
        int[] lengths,
        float temperature,
        int maxLength) {

    private static final Logger LOG = LoggerFactory.getLogger(BatchTensors.class);

    /** N: the number of rows. */
    public int samples() {
        return tokens.length;
    }

    /** Behaviour log-probs padded with zeros (or cut) to [N, t], row-major. */
    public float[] oldLogProbs(int t) {
        float[] out = new float[tokens.length * t];
        for (int i = 0; i < tokens.length; i++) {
            System.arraycopy(oldLogProbs[i], 0, out, i * t, Math.min(t, oldLogProbs[i].length));
        }
        return out;
    }

    /**
     * Re-lays a row-major [rows, fromT] array as [rows, toT], padding with zeros or cutting each
     * row; returns {@code values} itself when the widths agree.
     */
    public static float[] padRows(float[] values, int fromT, int toT, int rows) {
        if (fromT == toT) {
            return values;
        }
        float[] out = new float[rows * toT];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(values, i * fromT, out, i * toT, Math.min(fromT, toT));
        }
        return out;
    }

    /**
     * Builds the batch of {@code groups}, in order: decodes each group's PNG once (the learner encodes
     * it once for all its rows) and adds one row per completion with tokens. A group sampled at another
     * temperature than the first is kept (with a warning): its ratios are computed at the batch temperature.
     *
     * @param groups at least one group
     * @throws UncheckedIOException when an image cannot be read
     */
    public static BatchTensors of(List<ScoredGroup> groups) {
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one group");
        }
        List<float[]> images = new ArrayList<>();
        List<Integer> imageOfRow = new ArrayList<>();
        List<int[]> tokens = new ArrayList<>();
        List<float[]> old = new ArrayList<>();
        List<Float> adv = new ArrayList<>();
        float temperature = (float) groups.get(0).getRollout().getTemperature();
        for (ScoredGroup g : groups) {
            RolloutGroup r = g.getRollout();
            if (r.getTemperature() != temperature) {
                LOG.warn(
                        "group {} was sampled at temperature {}, the batch at {}: its ratios use {}",
                        r.getGroupId(),
                        r.getTemperature(),
                        temperature,
                        temperature);
            }
            float[] chw = pixels(r);
            for (int i = 0; i < r.getCompletions().size(); i++) {
                Completion c = r.getCompletions().get(i);
                if (c.getTokenIds().isEmpty()) {
                    continue; // no tokens, no gradient
                }
                if (images.isEmpty() || images.get(images.size() - 1) != chw) {
                    images.add(chw);
                }
                imageOfRow.add(images.size() - 1);
                tokens.add(c.getTokenIds().stream().mapToInt(Integer::intValue).toArray());
                old.add(toArray(c.getBehaviourLogprobs()));
                adv.add((float) g.getScores().get(i).getAdvantage());
            }
        }
        int[] lengths = tokens.stream().mapToInt(t -> t.length).toArray();
        int max = 0;
        for (int len : lengths) {
            max = Math.max(max, len);
        }
        return new BatchTensors(
                images.toArray(float[][]::new),
                imageOfRow.stream().mapToInt(Integer::intValue).toArray(),
                tokens.toArray(int[][]::new),
                old.toArray(float[][]::new),
                toArray(adv),
                lengths,
                temperature,
                max);
    }

    private static float[] pixels(RolloutGroup r) {
        try {
            return Scene.pixelsChw(PngImages.read(r.getImage(), r.getImageUri()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image of group " + r.getGroupId(), e);
        }
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
