package dev.dipr1.rewards;

import java.util.List;
import java.util.Objects;

/**
 * One group to score: the image size, its ground truth, ignore regions and G ≥ 1 completions.
 *
 * @throws IllegalArgumentException when width or height is not a finite number &gt; 0, or there are no completions
 */
public record GroupInput(
        String id, double width, double height, List<Box> gt, List<Box> ignore, List<String> completions) {

    public GroupInput {
        Objects.requireNonNull(id, "id");
        if (!(width > 0.0 && Double.isFinite(width) && height > 0.0 && Double.isFinite(height))) {
            throw new IllegalArgumentException(
                    "width and height must be finite numbers > 0, got " + width + " × " + height);
        }
        gt = List.copyOf(gt);
        ignore = ignore == null ? List.of() : List.copyOf(ignore);
        completions = List.copyOf(completions);
        if (completions.isEmpty()) {
            throw new IllegalArgumentException("a group needs at least one completion");
        }
    }
}
