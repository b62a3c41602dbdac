package dev.dipr1.rewardstream;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.ScoredGroup;

/** What the scoring step made of one rollout record: a scored group or a dead letter. */
record Outcome(ScoredGroup scored, DeadLetter deadLetter) {

    static Outcome scored(ScoredGroup g) {
        return new Outcome(g, null);
    }

    static Outcome dead(DeadLetter d) {
        return new Outcome(null, d);
    }

    boolean isScored() {
        return scored != null;
    }
}
