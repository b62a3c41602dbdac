package dev.dipr1.policy;

/** Why a completion ended. */
public enum FinishReason {
    /** The policy emitted {@code <eos>} (the last token of the completion). */
    EOS,
    /** The token budget ran out first. */
    LENGTH
}
