package dev.dipr1.generator;

import java.util.OptionalLong;

/**
 * Bounds how far a generator's output may run ahead of the learner: asked before every batch of
 * groups, told of every group sent and every newer policy version. Implementations are pure logic
 * over an injected clock; they never block (while {@link Decision#CLOSED} the caller waits for a
 * policy update for {@link VersionGate#RECHECK_EVERY} before asking again). Not thread-safe: one
 * per generator loop.
 */
interface GenerationGate {

    /** What the gate says before the next batch. */
    enum Decision {
        /** Under the bound: generate (at most {@link #room()} groups). */
        OPEN,
        /** The bound is reached: wait for a newer policy version. */
        CLOSED,
        /** Closed for longer than the longest wait: more room has been granted. */
        EXTRA_SHARE
    }

    /** Whether groups may be generated now; reads the clock at most once. */
    Decision check();

    /** How many groups may be started now: at least 1 after {@link Decision#OPEN}. */
    long room();

    /** A group made with the current version was acknowledged by the broker. */
    void groupSent();

    /**
     * The generator now samples with policy {@code version}.
     *
     * @param groupsRead how many of this generator's groups the learner had read when it published
     *     {@code version}, when the update says ({@link dev.dipr1.topics.GroupsReadHeaders})
     */
    void newVersion(long version, OptionalLong groupsRead);

    /** The bound in words, for the start-up log line; empty when unbounded. */
    String describe();
}
