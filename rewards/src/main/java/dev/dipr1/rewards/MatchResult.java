package dev.dipr1.rewards;

/**
 * An optimal one-to-one matching between predictions and ground truth.
 *
 * @param pairs    matched pairs (every pair has IoU ≥ τ)
 * @param iouSum   Σ IoU over the matched pairs
 * @param predToGt for each prediction the index of its GT box, -1 when unmatched
 */
public record MatchResult(int pairs, double iouSum, int[] predToGt) {}
