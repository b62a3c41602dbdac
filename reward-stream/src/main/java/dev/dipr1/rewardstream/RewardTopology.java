package dev.dipr1.rewardstream;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.topics.Topic;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes.ByteArraySerde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The reward stream: rollouts ⨝ annotations → score → advantages, with dead letters for
 * everything that cannot be scored. A pure function of its topics and settings.
 */
public final class RewardTopology {

    /** Raw annotation bytes per sample id (renamed from "annotations" when its format changed). */
    public static final String ANNOTATIONS_STORE = "annotations-raw";

    public static final String ANNOTATION_DEAD_LETTERS_STORE = "dead-lettered-annotations";
    public static final String PENDING_STORE = "pending-groups";
    /** The sink node that writes dead letters; {@link #deadLetterTopic} finds the topic by it. */
    static final String DEAD_LETTER_SINK = "write-dead-letters";

    private RewardTopology() {}

    /** The topics the topology reads and writes. */
    public record Topics(
            Topic<String, RolloutGroup> rollouts,
            Topic<String, GroundTruth> annotations,
            Topic<String, ScoredGroup> advantages,
            Topic<String, DeadLetter> deadLetters) {}

    public static Topology build(
            Topics topics, RewardStreamSettings settings, RolloutScorer scorer, RewardStatistics stats) {
        StreamsBuilder builder = new StreamsBuilder();
        ByteArraySerde raw = new ByteArraySerde();

        // Annotations: every record on every instance; valid ones kept as raw bytes per sample id, bad ones
        // parked for a dead letter (see AnnotationLoader for why this is not a GlobalKTable).
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(ANNOTATIONS_STORE),
                                org.apache.kafka.common.serialization.Serdes.String(),
                                org.apache.kafka.common.serialization.Serdes.ByteArray())
                        .withLoggingDisabled()
                        .withCachingDisabled(),
                topics.annotations().name(),
                Consumed.with(raw, raw).withName("read-annotations"),
                AnnotationLoader::new);

        // Parked bad annotations already dead-lettered: each goes out once for the whole application.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ANNOTATION_DEAD_LETTERS_STORE),
                        org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.Long())
                .withCachingDisabled());

        // Groups waiting for a late annotation, with their raw bytes and source coordinates.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(PENDING_STORE),
                        org.apache.kafka.common.serialization.Serdes.String(),
                        Serdes.DEAD_LETTER)
                .withCachingDisabled());

        // Rollouts as raw bytes, so that undecodable ones can be dead-lettered whole.
        KStream<byte[], byte[]> rollouts =
                builder.stream(topics.rollouts().name(), Consumed.with(raw, raw).withName("read-rollouts"));

        // Decodes, joins with the annotation, scores: one outcome per group (or a dead letter); also
        // dead-letters the parked bad annotations.
        KStream<String, Outcome> outcomes = rollouts.process(
                () -> new ScoreProcessor(settings, scorer, stats),
                Named.as("score"),
                PENDING_STORE,
                ANNOTATION_DEAD_LETTERS_STORE);

        // Scored groups to the advantages topic, dead letters to theirs.
        outcomes.split(Named.as("route-"))
                .branch(
                        (k, o) -> o.isScored(),
                        Branched.withConsumer(
                                s -> s.mapValues(Outcome::scored, Named.as("scored-group"))
                                        .to(
                                                topics.advantages().name(),
                                                Produced.with(
                                                                topics.advantages()
                                                                        .keySerde(),
                                                                topics.advantages()
                                                                        .valueSerde())
                                                        .withName("write-advantages")),
                                "scored"))
                .defaultBranch(Branched.withConsumer(
                        s -> s.mapValues(Outcome::deadLetter, Named.as("dead-letter"))
                                .to(
                                        topics.deadLetters().name(),
                                        Produced.with(
                                                        topics.deadLetters().keySerde(),
                                                        topics.deadLetters().valueSerde())
                                                .withName(DEAD_LETTER_SINK)),
                        "dead"));

        return builder.build();
    }

    /** The topic a topology built here writes its dead letters to (empty for other topologies). */
    public static Optional<String> deadLetterTopic(Topology topology) {
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && node.name().equals(DEAD_LETTER_SINK)) {
                    return Optional.ofNullable(sink.topic());
                }
            }
        }
        return Optional.empty();
    }
}
