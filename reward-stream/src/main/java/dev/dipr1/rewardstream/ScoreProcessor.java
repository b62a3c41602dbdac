package dev.dipr1.rewardstream;

import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.GroundTruth;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.topics.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a rollout record, finds its sample's annotation, scores it. Undecodable records and
 * groups over the size limits become dead letters at once; a group whose annotation has not
 * arrived is held in a state store and retried by a wall-clock punctuator until the wait runs
 * out, then dead-lettered. Dead letters keep the raw bytes and source coordinates.
 */
final class ScoreProcessor implements Processor<byte[], byte[], String, Outcome> {

    private static final Logger LOG = LoggerFactory.getLogger(ScoreProcessor.class);
    static final String STAGE = "reward-stream";
    private static final Duration STATS_LOG_INTERVAL = Duration.ofSeconds(30);

    private final RewardStreamSettings settings;
    private final RolloutScorer scorer;
    private final RewardStatistics stats;

    private ProcessorContext<String, Outcome> context;
    private KeyValueStore<String, byte[]> annotations;
    private KeyValueStore<String, DeadLetter> pending;
    private KeyValueStore<String, Long> annotationDeadLetters;

    ScoreProcessor(RewardStreamSettings settings, RolloutScorer scorer, RewardStatistics stats) {
        this.settings = settings;
        this.scorer = scorer;
        this.stats = stats;
    }

    @Override
    public void init(ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.annotations = context.getStateStore(RewardTopology.ANNOTATIONS_STORE);
        this.pending = context.getStateStore(RewardTopology.PENDING_STORE);
        this.annotationDeadLetters = context.getStateStore(RewardTopology.ANNOTATION_DEAD_LETTERS_STORE);
        context.schedule(settings.retryInterval(), PunctuationType.WALL_CLOCK_TIME, this::retryPending);
        // Every instance parks the same bad annotations; only the task of partition 0 (one at a time) sends them.
        if (context.taskId().partition() == 0) {
            context.schedule(
                    settings.retryInterval(), PunctuationType.WALL_CLOCK_TIME, this::deadLetterParkedAnnotations);
        }
        context.schedule(
                STATS_LOG_INTERVAL,
                PunctuationType.WALL_CLOCK_TIME,
                now -> LOG.info("rewards: {}", stats.summarise(now)));
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata m = context.recordMetadata().orElseThrow();
        if (record.timestamp() < settings.fromTimestampMs() || record.timestamp() >= settings.untilTimestampMs()) {
            return; // outside the replay's time range: not ours to score
        }
        DeadLetter envelope = DeadLetters.of(
                m.topic(),
                m.partition(),
                m.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                STAGE,
                "pending",
                null,
                context.currentSystemTimeMs());
        RolloutGroup rollout;
        try {
            rollout = Serdes.ROLLOUT_GROUP.decode(record.value(), m.topic(), m.partition(), m.offset());
        } catch (UndecodableRecordException e) {
            deadLetter(envelope, "decode", e.getMessage(), e);
            return;
        }
        String tooBig = sizeProblem(rollout);
        if (tooBig != null) {
            deadLetter(envelope, "validate", tooBig, null);
            return;
        }
        if (!tryScore(rollout, envelope)) {
            if (settings.annotationWait().isZero()) {
                deadLetter(envelope, "join", noAnnotation(rollout, Duration.ZERO), null);
            } else {
                pending.put(rollout.getGroupId(), envelope);
            }
        }
    }

    /** Scores the group when its annotation is present; false when it is not (yet). */
    private boolean tryScore(RolloutGroup rollout, DeadLetter envelope) {
        GroundTruth truth = annotation(rollout.getSampleId());
        if (truth == null) {
            return false;
        }
        if (truth.getWidth() <= 0 || truth.getHeight() <= 0) {
            deadLetter(
                    envelope,
                    "join",
                    "annotation of sample " + rollout.getSampleId() + " has image size " + truth.getWidth() + "x"
                            + truth.getHeight() + "; it must be positive",
                    null);
            return true;
        }
        ScoredGroup scored;
        try {
            scored = scorer.score(
                    rollout,
                    truth,
                    new RolloutScorer.Source(
                            envelope.getSourceTopic(),
                            envelope.getSourcePartition(),
                            envelope.getSourceOffset(),
                            envelope.getSourceTimestampMs()));
        } catch (RuntimeException e) {
            deadLetter(envelope, "score", "scoring failed: " + e, e);
            return true;
        }
        stats.record(scored, context.currentSystemTimeMs());
        context.forward(new Record<>(rollout.getGroupId(), Outcome.scored(scored), envelope.getSourceTimestampMs()));
        return true;
    }

    /** The annotation of a sample, or null when there is none (yet). */
    private GroundTruth annotation(String sampleId) {
        byte[] raw = annotations.get(sampleId);
        if (raw == null) {
            return null;
        }
        try {
            return Serdes.GROUND_TRUTH.decode(raw, RewardTopology.ANNOTATIONS_STORE, -1, -1L);
        } catch (UndecodableRecordException e) {
            return null; // the loader keeps only decodable ones; this is a parked record's key
        }
    }

    private void deadLetterParkedAnnotations(long now) {
        List<KeyValue<String, byte[]>> parked = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it =
                annotations.prefixScan(AnnotationLoader.PARKED_PREFIX, new StringSerializer())) {
            it.forEachRemaining(parked::add);
        }
        for (KeyValue<String, byte[]> kv : parked) {
            if (annotationDeadLetters.get(kv.key) != null) {
                continue;
            }
            DeadLetter d;
            try {
                d = Serdes.DEAD_LETTER.decode(kv.value, RewardTopology.ANNOTATIONS_STORE, -1, -1L);
            } catch (UndecodableRecordException e) {
                LOG.error("parked annotation {} cannot be read back; skipped", kv.key, e);
                annotationDeadLetters.put(kv.key, now);
                continue;
            }
            String key = DeadLetters.key(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset());
            stats.recordDeadLetter();
            LOG.warn("dead-lettered {}: {}", key, d.getReason());
            context.forward(new Record<>(key, Outcome.dead(d), d.getSourceTimestampMs()));
            annotationDeadLetters.put(kv.key, now);
        }
    }

    private void retryPending(long now) {
        List<KeyValue<String, DeadLetter>> held = new ArrayList<>();
        try (KeyValueIterator<String, DeadLetter> it = pending.all()) {
            it.forEachRemaining(held::add);
        }
        for (KeyValue<String, DeadLetter> kv : held) {
            try {
                retry(kv.key, kv.value, now);
            } catch (RuntimeException e) {
                // A punctuator has no record for the exception handler to dead-letter: do it here, once.
                deadLetter(kv.value, "retry", "retrying the held group failed: " + e, e);
                pending.delete(kv.key);
            }
        }
    }

    private void retry(String groupId, DeadLetter envelope, long now) {
        RolloutGroup rollout = Serdes.ROLLOUT_GROUP.decode(
                bytes(envelope.getRawValue()),
                envelope.getSourceTopic(),
                envelope.getSourcePartition(),
                envelope.getSourceOffset());
        if (tryScore(rollout, envelope)) {
            pending.delete(groupId);
        } else {
            Duration waited =
                    Duration.ofMillis(now - envelope.getDeadLetteredAtMs().toEpochMilli());
            if (waited.compareTo(settings.annotationWait()) >= 0) {
                deadLetter(envelope, "join", noAnnotation(rollout, waited), null);
                pending.delete(groupId);
            }
        }
    }

    private String sizeProblem(RolloutGroup rollout) {
        int g = rollout.getCompletions().size();
        if (g == 0) {
            return "group " + rollout.getGroupId() + " has no completions";
        }
        if (g > settings.maxGroupSize()) {
            return "group " + rollout.getGroupId() + " has " + g + " completions, more than the limit of "
                    + settings.maxGroupSize() + " (--max-group-size)";
        }
        return null;
    }

    private static String noAnnotation(RolloutGroup rollout, Duration waited) {
        return "no annotation for sample " + rollout.getSampleId() + " after waiting " + waited.toMillis() + " ms";
    }

    private void deadLetter(DeadLetter envelope, String step, String reason, Throwable error) {
        DeadLetter d = DeadLetter.newBuilder(envelope)
                .setStage(STAGE + "/" + step)
                .setReason(reason)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setDeadLetteredAtMs(java.time.Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .build();
        stats.recordDeadLetter();
        LOG.warn(
                "dead-lettered {}: {}",
                DeadLetters.key(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset()),
                reason);
        context.forward(new Record<>(
                DeadLetters.key(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset()),
                Outcome.dead(d),
                envelope.getSourceTimestampMs()));
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
