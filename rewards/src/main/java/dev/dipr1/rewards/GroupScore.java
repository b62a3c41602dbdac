package dev.dipr1.rewards;

import java.util.List;

/**
 * The scores of a group, completions in sample order.
 *
 * @param zeroVariance all totals equal within 1e-9 (advantages all 0; a learner may skip the group)
 * @param mean         mean total
 * @param std          sample std of the totals (Bessel)
 */
public record GroupScore(List<CompletionScore> completions, boolean zeroVariance, double mean, double std) {

    public GroupScore {
        completions = List.copyOf(completions);
    }
}
