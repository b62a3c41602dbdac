package dev.dipr1.schemas.serde;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;

/** One immutable serde per record type of the architecture table. */
public final class Serdes {

    public static final AvroSerde<PromptTask> PROMPT_TASK = AvroSerde.of(PromptTask.class);
    public static final AvroSerde<GroundTruth> GROUND_TRUTH = AvroSerde.of(GroundTruth.class);
    public static final AvroSerde<RolloutGroup> ROLLOUT_GROUP = AvroSerde.of(RolloutGroup.class);
    public static final AvroSerde<ScoredGroup> SCORED_GROUP = AvroSerde.of(ScoredGroup.class);
    public static final AvroSerde<PolicyUpdate> POLICY_UPDATE = AvroSerde.of(PolicyUpdate.class);
    public static final AvroSerde<DeadLetter> DEAD_LETTER = AvroSerde.of(DeadLetter.class);

    private Serdes() {}
}
