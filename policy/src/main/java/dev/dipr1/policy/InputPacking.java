package dev.dipr1.policy;

/**
 * Packs Java inputs into the flat row-major arrays the forward pass reads: images, prompts
 * repeated per row, and teacher-forcing batches. Pure functions.
 */
final class InputPacking {

    private InputPacking() {}

    /**
     * A teacher-forcing batch of {@code rows} completions after one prompt: {@code input} [rows,
     * len] is the prompt then each completion but its last token, {@code <pad>} beyond its end;
     * {@code target} [rows, tMax] the completion itself (padded); {@code mask} [rows, tMax] 1 on
     * real tokens, 0 on padding. {@code tMax} = the longest completion (at least 1), {@code len} =
     * prompt + tMax − 1, so the hidden state at input position {@code prompt − 1 + t} predicts
     * target {@code t}.
     */
    record TeacherForcing(int rows, int len, int tMax, long[] input, long[] target, float[] mask) {

        static TeacherForcing of(int[] prompt, int[][] completions) {
            int b = completions.length;
            int tMax = 1;
            for (int[] c : completions) {
                tMax = Math.max(tMax, c.length);
            }
            int len = prompt.length + tMax - 1;
            long[] input = new long[b * len];
            long[] target = new long[b * tMax];
            float[] mask = new float[b * tMax];
            for (int i = 0; i < b; i++) {
                int[] c = completions[i];
                for (int t = 0; t < len; t++) {
                    int k = t - prompt.length;
                    input[i * len + t] = t < prompt.length ? prompt[t] : k < c.length ? c[k] : Tokenizer.PAD;
                }
                for (int t = 0; t < tMax; t++) {
                    target[i * tMax + t] = t < c.length ? c[t] : Tokenizer.PAD;
                    mask[i * tMax + t] = t < c.length ? 1f : 0f;
                }
            }
            return new TeacherForcing(b, len, tMax, input, target, mask);
        }
    }

    /** CHW images of {@code 3 × size × size} floats, one after the other. */
    static float[] images(float[][] imagesChw, int size) {
        int plane = 3 * size * size;
        float[] flat = new float[imagesChw.length * plane];
        for (int i = 0; i < imagesChw.length; i++) {
            if (imagesChw[i].length != plane) {
                throw new IllegalArgumentException("image " + i + " has " + imagesChw[i].length + " values, expected 3×"
                        + size + "×" + size + "=" + plane);
            }
            System.arraycopy(imagesChw[i], 0, flat, i * plane, plane);
        }
        return flat;
    }

    /** {@code rows} rows of {@code width} ids, each starting with {@code prompt} (the rest 0 = {@code <pad>}). */
    static long[] promptRows(int[] prompt, int rows, int width) {
        long[] ids = new long[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < prompt.length; t++) {
                ids[r * width + t] = prompt[t];
            }
        }
        return ids;
    }
}
