package dev.dipr1.generator.engine;

import dev.dipr1.generator.RolloutGroups;

/** What an engine made of one prompt: its group, or why there is none (the prompt is then dead-lettered). */
public sealed interface GroupOutcome {

    /** The G completions, stamped with the policy version that sampled them. */
    record Generated(RolloutGroups.Sampled sampled) implements GroupOutcome {}

    /**
     * No group: the request failed for good (after its retries, or at once when retrying cannot help).
     *
     * @param reason what went wrong, for the dead letter
     * @param cause the last exception, if any
     */
    record Failed(String reason, Throwable cause) implements GroupOutcome {}
}
