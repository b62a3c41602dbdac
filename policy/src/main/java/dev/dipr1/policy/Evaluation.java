package dev.dipr1.policy;

import java.util.List;

/**
 * An evaluation: the summary metrics and the per-image records they were computed from, in scene
 * order (so two evaluations of the same scenes pair up image by image).
 *
 * @param result the metrics, {@link EvalResult#of} of {@code images}
 * @param images one record per image, in scene order
 */
public record Evaluation(EvalResult result, List<ImageScore> images) {

    public Evaluation {
        images = List.copyOf(images);
        if (result.images() != images.size()) {
            throw new IllegalArgumentException(
                    "the result counts " + result.images() + " images but there are " + images.size() + " records");
        }
    }

    /** The evaluation of these per-image records under the split label {@code split}. */
    public static Evaluation of(String split, List<ImageScore> images) {
        return new Evaluation(EvalResult.of(split, images), images);
    }
}
