package dev.dipr1.rewards;

/**
 * The rewards of one completion.
 *
 * @param format       r_fmt ∈ {0, 1}
 * @param look         r_look ∈ [0, 1]
 * @param accuracy     r_acc ∈ [0, 1]
 * @param total        λ_fmt·r_fmt + λ_look·r_look + λ_acc·r_acc
 * @param advantage    the group-normalised advantage
 * @param tooLong      longer than 16384 code points (all rewards 0)
 * @param invalidBoxes invalid boxes dropped (see {@link ParsedCompletion#invalidBoxes()})
 */
public record CompletionScore(
        double format,
        double look,
        double accuracy,
        double total,
        double advantage,
        boolean tooLong,
        int invalidBoxes) {}
