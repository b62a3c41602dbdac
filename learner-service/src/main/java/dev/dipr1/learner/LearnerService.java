package dev.dipr1.learner;

import dev.dipr1.policy.AdamW;
import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.DeadLetters;
import dev.dipr1.topics.GroupsReadHeaders;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GRPO learner service: Kafka in, Kafka out, and the pure pieces in between. It reads scored
 * groups, dead-letters those {@link ScoredGroupValidator} rejects, lets {@link GroupFilter} drop
 * duplicate, stale and zero-variance ones, builds a
 * {@link BatchTensors} per B groups and takes a {@link GrpoStep} on it, publishes a policy update
 * every K steps, and checkpoints weights, optimiser, step, version and consumed offsets together
 * so that a restart neither skips nor repeats a group. It reads partitions by assignment, not by
 * group membership: the learner is one process, and its checkpoint, not the broker, owns its
 * position; an offset of the checkpoint that the topic no longer holds stops it with the partition,
 * the offset and what to do, never a silent jump.
 *
 * <p>A new policy version is checkpointed before it is published, so one version number never
 * carries two weight sets (see {@link #cutVersionAndCheckpoint}).
 *
 * <p>At ~550 lines it is one cohesive thing: the consume–validate–step–checkpoint–publish loop and its
 * lifecycle (start positions, re-publish after a crash, stop, await), which share the consumed offsets, step and
 * version and must change together; the maths and the rules live in the pieces above.
 */
public final class LearnerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerService.class);

    private final TopicCatalog catalog;
    private final String advantagesTopic;
    private final LearnerSettings settings;
    private final Policy policy;
    private final AdamW optimizer;
    private final GrpoStep grpoStep;
    private final RecentGroupIds recentIds;
    private final AppliedPromptOffsets appliedPrompts =
            new AppliedPromptOffsets(AppliedPromptOffsets.DEFAULT_MAX_INTERVALS);
    private final GroupFilter filter;
    private final ScoredGroupValidator validator;
    private final LearnerMetrics metrics;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final LongSupplier clock;
    /** How long a publish, a dead letter or the topic's metadata may take: a broker outage shorter than it is waited out. */
    private final Duration kafkaTimeout;

    private CheckpointLock checkpointLock;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch positioned = new CountDownLatch(1);
    /**
     * The newest steps kept in memory for {@link #history()}: a learner that runs for weeks must not
     * keep every step (the demo and tests take far fewer; the step log on disk keeps them all).
     */
    public static final int HISTORY_KEPT = 10_000;

    private final java.util.ArrayDeque<StepStats> history = new java.util.ArrayDeque<>();
    private volatile PolicyKey policyKey;
    private final Map<Integer, Long> nextOffsets = new TreeMap<>();
    private final List<ScoredGroup> pending = new ArrayList<>();
    /**
     * Scored groups read by this process per generator id, accepted or dropped: sent with every
     * policy update ({@link GroupsReadHeaders}) so generators can bound their backlog. Not
     * checkpointed: a restarted learner counts from zero, which generators recognise.
     */
    private final Map<String, Long> groupsRead = new TreeMap<>();

    private volatile java.util.function.Consumer<StepStats> stepListener = s -> {};

    private long step;
    private long version;
    private long reportedOffsetsGivenUp;
    /** The step whose weights are {@code version}. */
    private long versionStep = LearnerCheckpoint.UNKNOWN_STEP;
    /** The checkpointed policy of {@code version} when its publish may not have happened before a crash. */
    private byte[] unconfirmedPublish;

    private volatile boolean started;

    /**
     * Creates the learner and, when {@code settings.checkpointPath()} exists, resumes from it.
     *
     * @param advantagesTopic the topic of scored groups to train from
     * @param initial the policy to train (its weights are replaced by a checkpoint's)
     * @param reference the frozen policy of the KL term
     * @param registry where the learner's meters go
     * @param clock the time stamped on policy updates and dead letters, in ms
     */
    public LearnerService(
            ClientSettings kafka,
            TopicCatalog catalog,
            String advantagesTopic,
            Policy initial,
            Policy reference,
            LearnerSettings settings,
            MeterRegistry registry,
            LongSupplier clock)
            throws IOException {
        this(
                newConsumer(kafka, catalog),
                newProducer(kafka, catalog),
                catalog,
                advantagesTopic,
                initial,
                reference,
                settings,
                registry,
                clock,
                kafka.timeout());
    }

    /** The learner on given clients (tests pass Kafka's mock clients); it closes them. */
    LearnerService(
            Consumer<String, byte[]> consumer,
            Producer<String, byte[]> producer,
            TopicCatalog catalog,
            String advantagesTopic,
            Policy initial,
            Policy reference,
            LearnerSettings settings,
            MeterRegistry registry,
            LongSupplier clock)
            throws IOException {
        this(
                consumer,
                producer,
                catalog,
                advantagesTopic,
                initial,
                reference,
                settings,
                registry,
                clock,
                ClientSettings.DEFAULT_TIMEOUT);
    }

    private LearnerService(
            Consumer<String, byte[]> consumer,
            Producer<String, byte[]> producer,
            TopicCatalog catalog,
            String advantagesTopic,
            Policy initial,
            Policy reference,
            LearnerSettings settings,
            MeterRegistry registry,
            LongSupplier clock,
            Duration kafkaTimeout)
            throws IOException {
        this.kafkaTimeout = kafkaTimeout;
        this.consumer = consumer;
        this.producer = producer;
        this.catalog = catalog;
        this.advantagesTopic = advantagesTopic;
        this.settings = settings;
        this.policy = initial;
        this.clock = clock;
        this.optimizer = AdamW.defaults();
        this.grpoStep = new GrpoStep(
                initial, reference, optimizer, settings.innerIterations(), settings.learningRate(), settings.loss());
        this.recentIds = new RecentGroupIds(settings.recentGroupIds());
        this.filter = new GroupFilter(settings.maxStaleness(), settings.skipZeroVariance(), recentIds, appliedPrompts);
        this.validator = ScoredGroupValidator.forPolicy(initial);
        this.version = initial.version();
        this.metrics = new LearnerMetrics(registry);
        try {
            // first: a second learner must not even clean the temporary files of the one that holds the checkpoint
            this.checkpointLock =
                    settings.checkpointPath() == null ? null : CheckpointLock.acquire(settings.checkpointPath());
            removeOrphanTemporaryFiles();
            restoreIfCheckpointed();
        } catch (IOException | RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            producer.close(Duration.ZERO);
            releaseCheckpointLock();
            throw e;
        }
    }

    private static Consumer<String, byte[]> newConsumer(ClientSettings kafka, TopicCatalog catalog) {
        return KafkaClients.rawConsumer(
                kafka,
                catalog.prefix() + "learner",
                Map.of(
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        64,
                        // every position is set explicitly; one the topic lacks must fail, not jump (run() explains)
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "none"));
    }

    private static Producer<String, byte[]> newProducer(ClientSettings kafka, TopicCatalog catalog) {
        return KafkaClients.rawProducer(
                kafka,
                catalog.prefix() + "learner-producer",
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024));
    }

    private void removeOrphanTemporaryFiles() throws IOException {
        if (settings.checkpointPath() == null) {
            return;
        }
        int removed = LearnerCheckpoint.removeOrphanTemporaryFiles(settings.checkpointPath());
        if (removed > 0) {
            LOG.info("removed {} temporary file(s) a crash left beside {}", removed, settings.checkpointPath());
        }
    }

    private void restoreIfCheckpointed() throws IOException {
        if (settings.checkpointPath() == null || !Files.exists(settings.checkpointPath())) {
            return;
        }
        LearnerCheckpoint ck = LearnerCheckpoint.load(settings.checkpointPath());
        if (!ck.topic().equals(advantagesTopic)) {
            throw new IllegalArgumentException("the learner checkpoint " + settings.checkpointPath()
                    + " was written while reading " + ck.topic() + ", not " + advantagesTopic
                    + ": use another --learner-checkpoint or the same --advantages-topic");
        }
        try (Policy saved = Policy.fromBytes(ck.policy(), policy.config())) {
            policy.copyWeightsFrom(saved);
        }
        optimizer.restore(ck.optimizer());
        step = ck.step();
        version = ck.policyVersion();
        versionStep = ck.versionStep();
        policy.setVersion(version);
        if (ck.holdsUnconfirmedPublish()) {
            unconfirmedPublish = ck.policy();
        }
        nextOffsets.putAll(ck.nextOffsets());
        recentIds.rememberAll(ck.recentGroupIds());
        appliedPrompts.addAll(ck.appliedPrompts());
        LOG.info(
                "learner resumed from {}: step {}, policy v{}, offsets {}",
                settings.checkpointPath(),
                step,
                version,
                nextOffsets);
    }

    /** Trains until stopped or {@code maxSteps} is reached. */
    public void run() {
        started = true;
        try {
            List<TopicPartition> parts = consumer.partitionsFor(advantagesTopic, kafkaTimeout).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
                    .toList();
            consumer.assign(parts);
            List<TopicPartition> atEnd = new ArrayList<>();
            for (TopicPartition tp : parts) {
                Long next = nextOffsets.get(tp.partition());
                if (next != null) {
                    consumer.seek(tp, next);
                } else if (settings.startAtEnd()) {
                    consumer.seekToEnd(List.of(tp));
                    atEnd.add(tp);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            // only once every partition has a position: with auto.offset.reset=none, position() of one partition
            // resolves all of them and fails on any still unpositioned
            for (TopicPartition tp : atEnd) {
                nextOffsets.put(tp.partition(), consumer.position(tp));
            }
            positioned.countDown();
            republishUnconfirmed();
            LOG.info(
                    "learner reading {} from step {} (policy v{}), B={} groups, K={}, max staleness {}",
                    advantagesTopic,
                    step,
                    version,
                    settings.batchGroups(),
                    settings.publishEvery(),
                    settings.maxStaleness());
            while (running.get() && !done()) {
                for (ConsumerRecord<String, byte[]> r : poll()) {
                    if (!running.get() || done()) {
                        break; // the rest is read again after a restart: its offsets were not checkpointed
                    }
                    handle(r);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            producer.close(Duration.ofSeconds(10));
            finished.countDown();
            LOG.info("learner stopped at step {} (policy v{})", step, version);
        }
    }

    private Iterable<ConsumerRecord<String, byte[]>> poll() {
        try {
            return consumer.poll(Duration.ofMillis(200));
        } catch (OffsetOutOfRangeException e) {
            throw new IllegalStateException(OffsetsOutOfRange.message(
                    e.offsetOutOfRangePartitions(), settings.checkpointPath(), this::heldOffsets));
        }
    }

    /** The offsets a partition holds now, as "first..last", for the message of an out-of-range offset. */
    private String heldOffsets(TopicPartition tp) {
        try {
            long first = consumer.beginningOffsets(List.of(tp)).get(tp);
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            return first == end ? "no records (next offset " + end + ")" : "offsets " + first + ".." + (end - 1);
        } catch (RuntimeException e) {
            return "offsets unknown (" + e.getMessage() + ")";
        }
    }

    /**
     * A checkpoint written for a new version just before its publish: the crash may have come
     * between the two, so the version is published again with the checkpoint's bytes. If it had
     * gone out, generators see the same version twice with identical bytes and ignore the second
     * (they apply only newer versions); re-sending is simpler than a second durable "published"
     * mark, which would need its own write ordering.
     */
    private void republishUnconfirmed() {
        if (unconfirmedPublish == null) {
            return;
        }
        LOG.info("re-publishing policy v{} from the checkpoint: a crash may have preceded its publish", version);
        publish(unconfirmedPublish);
        unconfirmedPublish = null;
    }

    private boolean done() {
        return settings.maxSteps() > 0 && step >= settings.maxSteps();
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        nextOffsets.put(r.partition(), r.offset() + 1);
        ScoredGroup g;
        try {
            g = Serdes.SCORED_GROUP.decode(r.value(), r.topic(), r.partition(), r.offset());
        } catch (UndecodableRecordException e) {
            deadLetter(r, "learner/decode", e.getMessage(), e);
            return;
        }
        groupsRead.merge(g.getRollout().getGeneratorId(), 1L, Long::sum);
        // before the filter, so a rejected group's id is not remembered and a corrected copy can still be applied
        Optional<String> problem = validator.problem(g, version);
        if (problem.isPresent()) {
            deadLetter(r, "learner/validate", "group " + g.getGroupId() + ": " + problem.get(), null);
            return;
        }
        GroupFilter.Decision decision = filter.judge(g, version);
        metrics.judged(decision);
        if (!decision.accepted()) {
            logDrop(g, decision);
            return;
        }
        pending.add(g);
        if (pending.size() >= settings.batchGroups()) {
            trainOn(new ArrayList<>(pending));
            pending.clear();
        }
    }

    private void logDrop(ScoredGroup g, GroupFilter.Decision d) {
        switch (d.dropReason().orElseThrow()) {
            case DUPLICATE -> LOG.info("dropped group {}: already applied (a redone prompt)", g.getGroupId());
            case STALE ->
                LOG.debug(
                        "dropped group {}: policy v{} is {} versions behind v{} (max staleness {})",
                        g.getGroupId(),
                        g.getRollout().getPolicyVersion(),
                        d.staleness(),
                        version,
                        settings.maxStaleness());
            case ZERO_VARIANCE -> LOG.debug("dropped group {}: all rewards equal (zero variance)", g.getGroupId());
        }
    }

    private void trainOn(List<ScoredGroup> groups) {
        long t0 = System.nanoTime();
        BatchTensors batch = BatchTensors.of(groups);
        if (batch.samples() == 0) {
            LOG.warn("a batch of {} groups had no completion tokens; skipped", groups.size());
            return;
        }
        GrpoStep.Result result = grpoStep.apply(batch);
        if (!result.finite()) {
            throw new DivergedStepException(
                    step + 1,
                    result,
                    groups.stream().map(ScoredGroup::getGroupId).toList(),
                    settings.learningRate());
        }
        step++;
        double seconds = (System.nanoTime() - t0) / 1e9;
        StepStats s =
                StepStats.of(step, version, groups, batch.samples(), result, metrics.zeroVarianceFraction(), seconds);
        synchronized (history) {
            keepNewest(history, s, HISTORY_KEPT);
        }
        metrics.stepTaken(s);
        stepListener.accept(s);
        cutVersionAndCheckpoint();
    }

    /**
     * Every K steps a new version: its weights are checkpointed first, then published. A crash
     * between the two leaves a checkpoint whose version may be unpublished, and the restart
     * publishes it with the checkpoint's bytes ({@link #republishUnconfirmed}); publishing first
     * would let a restart from the older checkpoint train other weights under the same number.
     */
    private void cutVersionAndCheckpoint() {
        boolean newVersion = step % settings.publishEvery() == 0;
        if (newVersion) {
            version++;
            versionStep = step;
            policy.setVersion(version);
        }
        if (newVersion || step % settings.checkpointEvery() == 0 || done()) {
            byte[] weights = policy.toBytes();
            checkpoint(weights);
            if (newVersion) {
                CheckpointWindowHook.reached(CheckpointWindowHook.Point.BEFORE_PUBLISH, step);
                publish(weights);
            }
        }
    }

    private void publish(byte[] weights) {
        try {
            PolicyUpdate u = PolicyUpdates.create(
                    weights,
                    Policy.MAGIC + "/" + Policy.FORMAT_VERSION,
                    version,
                    step,
                    settings.inlineLimit(),
                    settings.policyDir(),
                    clock.getAsLong());
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    catalog.policy().name(), TopicCatalog.policyKey(), Serdes.POLICY_UPDATE.encode(u));
            GroupsReadHeaders.add(record.headers(), groupsRead);
            PolicyKey key = policyKey;
            if (key != null) {
                key.sign(u, record.headers());
            }
            producer.send(record).get(kafkaTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info(
                    "published policy v{} at step {} ({} bytes {})",
                    version,
                    step,
                    u.getSizeBytes(),
                    u.getWeights() != null ? "inline" : "at " + u.getWeightsUri());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write policy v" + version, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish policy v" + version, e);
        }
    }

    private void checkpoint(byte[] weights) {
        if (settings.checkpointPath() == null) {
            return;
        }
        if (appliedPrompts.offsetsGivenUp() > reportedOffsetsGivenUp) {
            reportedOffsetsGivenUp = appliedPrompts.offsetsGivenUp();
            LOG.warn(
                    "the memory of applied prompts is full ({} intervals): {} prompt offsets in its oldest gaps are now "
                            + "treated as applied, so a group of theirs arriving this late is dropped",
                    appliedPrompts.intervals(),
                    reportedOffsetsGivenUp);
        }
        try {
            new LearnerCheckpoint(
                            weights,
                            optimizer.stateBytes(),
                            step,
                            version,
                            versionStep,
                            advantagesTopic,
                            new TreeMap<>(nextOffsets),
                            recentIds.toList(),
                            appliedPrompts.toMap())
                    .save(settings.checkpointPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the learner checkpoint " + settings.checkpointPath(), e);
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String stage, String reason, Throwable e) {
        LOG.warn("dead-lettered {}: {}", DeadLetters.key(r.topic(), r.partition(), r.offset()), reason);
        DeadLetters.publish(producer, catalog.deadLetters(), r, stage, reason, e, clock.getAsLong(), kafkaTimeout);
    }

    /** Called after every step, on the learner's thread. */
    public void onStep(java.util.function.Consumer<StepStats> listener) {
        this.stepListener = listener;
    }

    /** Appends {@code s}, dropping the oldest step when more than {@code max} are held. */
    static void keepNewest(java.util.ArrayDeque<StepStats> history, StepStats s, int max) {
        history.addLast(s);
        while (history.size() > max) {
            history.removeFirst();
        }
    }

    /** The steps taken by this instance, oldest first: all of them, or the newest {@value #HISTORY_KEPT}. */
    public List<StepStats> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Steps taken, counting those before a resumed checkpoint. */
    public long step() {
        return step;
    }

    /** The policy version the learner trains; it goes up by one at every publish. */
    public long version() {
        return version;
    }

    /** The policy being trained. */
    public Policy policy() {
        return policy;
    }

    /**
     * Stops after the current record without a final checkpoint, exactly as a crash would leave
     * things: what was consumed after the last checkpoint is read again after a restart.
     */
    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    /** Signs every policy update it publishes from now on with {@code key}. Call before {@link #run()}. */
    public void signPolicyUpdatesWith(PolicyKey key) {
        this.policyKey = key;
    }

    /** Waits until the learner has taken its start positions (e.g. the end of the topic). */
    public boolean awaitPositioned(Duration timeout) throws InterruptedException {
        return positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until {@link #run()} has returned and closed the Kafka clients. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        stop();
        if (started) {
            try {
                awaitFinished(Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            producer.close(Duration.ofSeconds(10));
        }
        optimizer.close();
        releaseCheckpointLock();
    }

    private void releaseCheckpointLock() {
        if (checkpointLock == null) {
            return;
        }
        try {
            checkpointLock.close();
        } catch (IOException e) {
            LOG.warn("cannot release the lock of {}: {}", settings.checkpointPath(), e.toString());
        }
    }
}
