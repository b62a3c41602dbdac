package dev.dipr1.learner;

import dev.dipr1.policy.AdamW;
import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.DeadLetters;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GRPO learner service: Kafka in, Kafka out, and the pure pieces in between. It reads scored
 * groups, lets {@link GroupFilter} drop duplicate, stale and zero-variance ones, builds a
 * {@link BatchTensors} per B groups and takes a {@link GrpoStep} on it, publishes a policy update
 * every K steps, and checkpoints weights, optimiser, step, version and consumed offsets together
 * so that a restart neither skips nor repeats a group. It reads partitions by assignment, not by
 * group membership: the learner is one process, and its checkpoint, not the broker, owns its
 * position.
 *
 * <p>At ~380 lines it is one cohesive thing: the consume–step–publish–checkpoint loop and its lifecycle
 * (start positions, stop, await), which share the consumed offsets, step and version and must change together;
 * the maths lives in the pieces above.
 */
public final class LearnerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerService.class);

    private final TopicCatalog catalog;
    private final String advantagesTopic;
    private final LearnerSettings settings;
    private final Policy policy;
    private final AdamW optimizer;
    private final GrpoStep grpoStep;
    private final RecentGroupIds recentIds = new RecentGroupIds(RecentGroupIds.DEFAULT_CAPACITY);
    private final GroupFilter filter;
    private final LearnerMetrics metrics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final LongSupplier clock;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final List<StepStats> history = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Long> nextOffsets = new TreeMap<>();
    private final List<ScoredGroup> pending = new ArrayList<>();
    private volatile java.util.function.Consumer<StepStats> stepListener = s -> {};

    private long step;
    private long version;
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
        this.catalog = catalog;
        this.advantagesTopic = advantagesTopic;
        this.settings = settings;
        this.policy = initial;
        this.clock = clock;
        this.optimizer = AdamW.defaults();
        this.grpoStep = new GrpoStep(
                initial, reference, optimizer, settings.innerIterations(), settings.learningRate(), settings.loss());
        this.filter = new GroupFilter(settings.maxStaleness(), settings.skipZeroVariance(), recentIds);
        this.version = initial.version();
        restoreIfCheckpointed();
        this.consumer = newConsumer(kafka, catalog);
        this.producer = newProducer(kafka, catalog);
        this.metrics = new LearnerMetrics(registry);
    }

    private static KafkaConsumer<String, byte[]> newConsumer(ClientSettings kafka, TopicCatalog catalog) {
        return KafkaClients.rawConsumer(
                kafka, catalog.prefix() + "learner", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 64));
    }

    private static KafkaProducer<String, byte[]> newProducer(ClientSettings kafka, TopicCatalog catalog) {
        return KafkaClients.rawProducer(
                kafka,
                catalog.prefix() + "learner-producer",
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024));
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
        policy.setVersion(version);
        nextOffsets.putAll(ck.nextOffsets());
        recentIds.rememberAll(ck.recentGroupIds());
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
            List<TopicPartition> parts = consumer.partitionsFor(advantagesTopic, Duration.ofSeconds(60)).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
                    .toList();
            consumer.assign(parts);
            for (TopicPartition tp : parts) {
                Long next = nextOffsets.get(tp.partition());
                if (next != null) {
                    consumer.seek(tp, next);
                } else if (settings.startAtEnd()) {
                    consumer.seekToEnd(List.of(tp));
                    nextOffsets.put(tp.partition(), consumer.position(tp));
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            positioned.countDown();
            LOG.info(
                    "learner reading {} from step {} (policy v{}), B={} groups, K={}, max staleness {}",
                    advantagesTopic,
                    step,
                    version,
                    settings.batchGroups(),
                    settings.publishEvery(),
                    settings.maxStaleness());
            while (running.get() && !done()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
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

    private boolean done() {
        return settings.maxSteps() > 0 && step >= settings.maxSteps();
    }

    private void handle(ConsumerRecord<String, byte[]> r) {
        nextOffsets.put(r.partition(), r.offset() + 1);
        ScoredGroup g;
        try {
            g = Serdes.SCORED_GROUP.decode(r.value(), r.topic(), r.partition(), r.offset());
        } catch (UndecodableRecordException e) {
            deadLetter(r, e.getMessage(), e);
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
            throw new IllegalStateException("GRPO loss became " + result.policyLoss() + " (kl " + result.kl()
                    + ") at step " + step + ": lower --lr");
        }
        step++;
        double seconds = (System.nanoTime() - t0) / 1e9;
        StepStats s =
                StepStats.of(step, version, groups, batch.samples(), result, metrics.zeroVarianceFraction(), seconds);
        history.add(s);
        metrics.stepTaken(s);
        stepListener.accept(s);
        if (step % settings.publishEvery() == 0) {
            publish();
        }
        // every publish is checkpointed too: a restart never publishes a version number twice
        if (step % settings.checkpointEvery() == 0 || step % settings.publishEvery() == 0 || done()) {
            checkpoint();
        }
    }

    private void publish() {
        version++;
        policy.setVersion(version);
        try {
            PolicyUpdate u = PolicyUpdates.create(
                    policy.toBytes(),
                    Policy.MAGIC + "/" + Policy.FORMAT_VERSION,
                    version,
                    step,
                    settings.inlineLimit(),
                    settings.policyDir(),
                    clock.getAsLong());
            producer.send(new ProducerRecord<>(
                            catalog.policy().name(), TopicCatalog.policyKey(), Serdes.POLICY_UPDATE.encode(u)))
                    .get(60, TimeUnit.SECONDS);
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

    private void checkpoint() {
        if (settings.checkpointPath() == null) {
            return;
        }
        try {
            new LearnerCheckpoint(
                            policy.toBytes(),
                            optimizer.stateBytes(),
                            step,
                            version,
                            advantagesTopic,
                            new TreeMap<>(nextOffsets),
                            recentIds.toList())
                    .save(settings.checkpointPath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the learner checkpoint " + settings.checkpointPath(), e);
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason, Throwable e) {
        LOG.warn("dead-lettered {}: {}", DeadLetters.key(r.topic(), r.partition(), r.offset()), reason);
        DeadLetters.publish(producer, catalog.deadLetters(), r, "learner/decode", reason, e, clock.getAsLong());
    }

    /** Called after every step, on the learner's thread. */
    public void onStep(java.util.function.Consumer<StepStats> listener) {
        this.stepListener = listener;
    }

    /** Every step taken by this instance so far, oldest first. */
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
    }
}
