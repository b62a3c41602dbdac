package dev.dipr1.generator;

import dev.dipr1.generator.engine.EngineStoppedException;
import dev.dipr1.generator.engine.GenerationEngine;
import dev.dipr1.generator.engine.GroupOutcome;
import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.DeadLetters;
import dev.dipr1.topics.GroupsReadHeaders;
import dev.dipr1.topics.KafkaClients;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdateValidator;
import dev.dipr1.topics.TopicCatalog;
import dev.dipr1.topics.WeightsFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes prompt tasks in a consumer group, samples G completions per prompt with the current
 * policy and publishes one RolloutGroup per prompt. The offset of a prompt is committed only
 * after its group (or its dead letter) is acknowledged by the broker: a crash may redo a prompt,
 * never lose one. It hands up to P prompts per batch ({@code --prompts-per-batch}) to its {@link
 * GenerationEngine} (the in-process policy, or an inference server), all with one policy version;
 * a prompt the engine gives up on is dead-lettered with the engine's reason. Between batches it
 * offers the newest policy update to the engine; a {@link GenerationGate} ({@link LeadGate}, the
 * cumulative bound, or {@link VersionGate}, the per-version one) decides how many groups the
 * current version may make.
 */
public final class GeneratorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratorService.class);
    private static final Duration PROMPT_POLL = Duration.ofMillis(200);

    private final TopicCatalog catalog;
    /** How long a group's or a dead letter's acknowledgement may take (--kafka-timeout). */
    private final Duration kafkaTimeout;

    private final GeneratorSettings settings;
    private final KafkaConsumer<String, byte[]> prompts;
    private final KafkaProducer<String, byte[]> producer;
    private final PolicyWatcher policyWatcher;
    private final GenerationGate gate;
    private final GenerationEngine engine;
    private final PromptImages images = new PromptImages();
    private final LongSupplier clock;
    private final GroupErrors groupErrors;
    private final Counter groupsCounter;
    private final Counter tokensCounter;
    private final Timer groupTimer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong groups = new AtomicLong();
    private final AtomicLong version = new AtomicLong();
    private final AtomicInteger assigned = new AtomicInteger();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean started;

    /**
     * A generator with the engine its settings name ({@link Engines#of}).
     *
     * @param kafka broker connection
     * @param catalog the topics (prompts in; rollouts, dead letters out; policy updates followed)
     * @param initial the policy to sample with until an update arrives (or, with an inference
     *     server, whose vocabulary and version the server starts with); closed by this service
     * @param settings how to sample
     * @param metrics where the {@code generator/*} meters go
     * @param clock milliseconds: group timestamps, dead letters and the version gate's wait
     */
    public GeneratorService(
            ClientSettings kafka,
            TopicCatalog catalog,
            Policy initial,
            GeneratorSettings settings,
            MeterRegistry metrics,
            LongSupplier clock) {
        this(kafka, catalog, Engines.of(initial, settings), settings, metrics, clock);
    }

    /** A generator sampling with {@code engine} (owned and closed by this service). */
    public GeneratorService(
            ClientSettings kafka,
            TopicCatalog catalog,
            GenerationEngine engine,
            GeneratorSettings settings,
            MeterRegistry metrics,
            LongSupplier clock) {
        this.catalog = catalog;
        this.settings = settings;
        this.kafkaTimeout = kafka.timeout();
        WeightsFiles weightsFiles = new WeightsFiles(settings.weightsDir(), WeightsFiles.MAX_CHECKPOINT_BYTES);
        this.engine = engine;
        this.clock = clock;
        this.groupErrors = new GroupErrors(kafkaTimeout, System::currentTimeMillis);
        this.gate = settings.leadVersions() > 0
                ? new LeadGate(
                        settings.leadVersions(), settings.versionShare(), engine.version(), VersionGate.MAX_WAIT, clock)
                : new VersionGate(settings.maxGroupsPerVersion(), VersionGate.MAX_WAIT, clock);
        this.version.set(engine.version());
        // At most one batch of prompts per poll: a batch takes a while, and offsets are committed per group.
        this.prompts = KafkaClients.rawConsumer(
                kafka,
                settings.generatorId(),
                Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        catalog.prefix() + "generators",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        settings.promptsPerBatch()));
        this.producer = KafkaClients.rawProducer(
                kafka,
                settings.generatorId() + "-producer",
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024));
        this.policyWatcher = new PolicyWatcher(
                kafka,
                catalog.policy(),
                engine.version(),
                new PolicyUpdateValidator(settings.maxVersionJump(), weightsFiles),
                (r, reason, e) -> deadLetter(r, "policy", reason, e));
        this.groupsCounter = metrics.counter("generator/groups", "generator", settings.generatorId());
        this.tokensCounter = metrics.counter("generator/tokens", "generator", settings.generatorId());
        this.groupTimer = metrics.timer("generator/group_time", "generator", settings.generatorId());
        metrics.gauge("generator/policy_version", version);
    }

    /**
     * Applies only policy updates signed with {@code key} (the learner's {@code --policy-key});
     * others are dead-lettered. Call before {@link #run()}.
     */
    public void requireSignedPolicies(PolicyKey key) {
        policyWatcher.requireSignedBy(key);
    }

    /** Generates until {@link #stop()} is called. */
    public void run() {
        started = true;
        prompts.subscribe(List.of(catalog.prompts().name()), new PartitionCount());
        LOG.info(
                "generator {} started with policy v{} on {} (G={}, {} prompts per batch, temperature {}{})",
                settings.generatorId(),
                engine.version(),
                engine.describe(),
                settings.groupSize(),
                settings.promptsPerBatch(),
                settings.temperature(),
                gate.describe().isEmpty() ? "" : ", " + gate.describe());
        try {
            while (running.get()) {
                applyNewestPolicy(Duration.ZERO);
                switch (gate.check()) {
                    case OPEN -> generateFromNextPrompts((int) Math.min(settings.promptsPerBatch(), gate.room()));
                    case CLOSED -> waitForNewerPolicy();
                    case EXTRA_SHARE ->
                        LOG.warn(
                                "generator {}: no policy after v{} for {} s (the learner may be "
                                        + "short of groups it keeps); generating another {} groups",
                                settings.generatorId(),
                                engine.version(),
                                VersionGate.MAX_WAIT.toSeconds(),
                                gate.room());
                }
            }
        } catch (WakeupException | EngineStoppedException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            closeResources();
            finished.countDown();
            LOG.info("generator {} stopped after {} groups", settings.generatorId(), groups.get());
        }
    }

    /** Polls up to {@code max} prompts (those beyond it are read again next time) and generates their groups. */
    private void generateFromNextPrompts(int max) {
        prompts.resume(prompts.paused());
        List<ConsumerRecord<String, byte[]>> taken = new ArrayList<>(max);
        Map<TopicPartition, Long> rewind = new HashMap<>();
        Duration wait = PROMPT_POLL;
        while (taken.size() < max) {
            int before = taken.size();
            for (ConsumerRecord<String, byte[]> r : pollPrompts(wait)) {
                if (taken.size() < max) {
                    taken.add(r);
                } else {
                    rewind.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                }
            }
            if (taken.size() == before) {
                break;
            }
            wait = Duration.ZERO; // top the batch up with what has already arrived, without waiting
        }
        rewind.forEach(prompts::seek);
        if (!taken.isEmpty()) {
            handle(taken);
        }
    }

    /** This version has made its share: block on the policy topic, keep the group membership alive. */
    private void waitForNewerPolicy() {
        applyNewestPolicy(VersionGate.RECHECK_EVERY);
        prompts.pause(prompts.assignment());
        pollPrompts(Duration.ZERO);
    }

    /** Polls the prompts; an error the group coordinator will mend is ridden out for up to --kafka-timeout. */
    private Iterable<ConsumerRecord<String, byte[]>> pollPrompts(Duration wait) {
        try {
            ConsumerRecords<String, byte[]> records = prompts.poll(wait);
            groupErrors.succeeded();
            return records;
        } catch (KafkaException e) {
            if (!groupErrors.rideOut(e)) {
                throw e;
            }
            LOG.warn(
                    "generator {}: polling the prompts failed ({}); trying again",
                    settings.generatorId(),
                    e.getMessage());
            sleepQuietly(Duration.ofSeconds(1));
            return List.of();
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Decodes the prompts, has the engine sample the groups of the readable ones in one batch, then,
     * in offset order, publishes each group or dead-letters its prompt (unreadable, or given up on
     * by the engine) and commits it: a later prompt's offset is never committed before an earlier
     * one is done.
     */
    private void handle(List<ConsumerRecord<String, byte[]>> records) {
        String[] failedStep = new String[records.size()];
        String[] problems = new String[records.size()];
        Throwable[] causes = new Throwable[records.size()];
        List<PromptTask> tasks = new ArrayList<>();
        List<PromptImages.PolicyImage> taskImages = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> r = records.get(i);
            PromptTask task;
            try {
                task = Serdes.PROMPT_TASK.decode(r.value(), r.topic(), r.partition(), r.offset());
            } catch (UndecodableRecordException e) {
                failedStep[i] = "decode";
                problems[i] = e.getMessage();
                causes[i] = e;
                continue;
            }
            try {
                taskImages.add(images.read(task, engine.imageSide()));
                tasks.add(task);
            } catch (IOException | RuntimeException e) {
                failedStep[i] = "image";
                problems[i] = "cannot read the image of sample " + task.getSampleId() + ": " + e.getMessage();
                causes[i] = e;
            }
        }
        List<GroupOutcome> outcomes = tasks.isEmpty() ? List.of() : generate(tasks, taskImages);
        int next = 0;
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> r = records.get(i);
            if (failedStep[i] != null) {
                deadLetter(r, failedStep[i], problems[i], causes[i]);
            } else {
                int k = next++;
                GroupOutcome outcome = outcomes.get(k);
                if (outcome instanceof GroupOutcome.Generated g) {
                    RolloutGroup group = group(g.sampled(), tasks.get(k), taskImages.get(k));
                    send(RolloutGroups.fromPrompt(group, r.partition(), r.offset()));
                } else {
                    GroupOutcome.Failed f = (GroupOutcome.Failed) outcome;
                    deadLetter(r, "engine", f.reason(), f.cause());
                }
            }
            commit(r);
        }
    }

    /** The engine's outcome for each prompt, in one batch with one policy version. */
    private List<GroupOutcome> generate(List<PromptTask> tasks, List<PromptImages.PolicyImage> taskImages) {
        List<java.awt.image.BufferedImage> pixels = new ArrayList<>(taskImages.size());
        for (PromptImages.PolicyImage image : taskImages) {
            pixels.add(image.pixels());
        }
        List<GroupOutcome> outcomes = engine.generate(tasks, pixels);
        if (outcomes.size() != tasks.size()) {
            throw new IllegalStateException(
                    "the engine returned " + outcomes.size() + " outcomes for " + tasks.size() + " prompts");
        }
        return outcomes;
    }

    /** The record of a prompt's group; counts its tokens and time. */
    private RolloutGroup group(RolloutGroups.Sampled s, PromptTask task, PromptImages.PolicyImage image) {
        tokensCounter.increment(RolloutGroups.tokens(s.completions()));
        groupTimer.record(s.generationNs(), TimeUnit.NANOSECONDS);
        return RolloutGroups.of(task, image.pixels(), image.resized(), s, settings, clock.getAsLong());
    }

    private void send(RolloutGroup group) {
        byte[] bytes = Serdes.ROLLOUT_GROUP.encode(group);
        try {
            producer.send(new ProducerRecord<>(catalog.rollouts().name(), group.getGroupId(), bytes))
                    .get(kafkaTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing group " + group.getGroupId(), e);
        } catch (ExecutionException | TimeoutException e) {
            // Not acknowledged: the prompt's offset is not committed, so it is redone after a restart.
            throw new IllegalStateException("publishing group " + group.getGroupId() + " failed", e);
        }
        groups.incrementAndGet();
        gate.groupSent();
        groupsCounter.increment();
    }

    private void commit(ConsumerRecord<String, byte[]> r) {
        PromptOffsets.commit(prompts, r);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> r, String step, String reason, Throwable e) {
        LOG.warn("dead-lettered {}: {}", DeadLetters.key(r.topic(), r.partition(), r.offset()), reason);
        DeadLetters.publish(
                producer, catalog.deadLetters(), r, "generator/" + step, reason, e, clock.getAsLong(), kafkaTimeout);
    }

    /** Swaps in the newest update on the policy topic if it is newer than the current policy. */
    private void applyNewestPolicy(Duration wait) {
        Optional<PolicyWatcher.Newest> newest = policyWatcher.pollNewest(wait);
        if (newest.isEmpty()) {
            return;
        }
        PolicyUpdate update = newest.get().update();
        org.apache.kafka.common.header.Header mac =
                newest.get().source().headers().lastHeader(PolicyKey.HEADER);
        CurrentPolicy.Offer offer = engine.offer(
                update, mac == null ? null : new String(mac.value(), java.nio.charset.StandardCharsets.US_ASCII));
        if (offer.applied()) {
            version.set(engine.version());
            gate.newVersion(
                    engine.version(),
                    GroupsReadHeaders.read(newest.get().source().headers(), settings.generatorId()));
            LOG.info(
                    "generator {} now samples with policy v{} (learner step {})",
                    settings.generatorId(),
                    engine.version(),
                    update.getStep());
        }
        offer.refusal().ifPresent(reason -> deadLetter(newest.get().source(), "policy", reason, null));
    }

    /** Rollout groups published so far. */
    public long groupsGenerated() {
        return groups.get();
    }

    /** How many prompt partitions this generator owns right now. */
    public int assignedPartitions() {
        return assigned.get();
    }

    /** The version of the policy it samples with. */
    public long policyVersion() {
        return version.get();
    }

    /** Asks the loop to stop; returns at once (see {@link #close()}). A batch in progress is abandoned, not committed. */
    public void stop() {
        running.set(false);
        engine.stop();
        prompts.wakeup();
    }

    /** Stops the loop and waits for it to release its clients (the consumer is single-threaded). */
    @Override
    public void close() {
        stop();
        if (!started) {
            closeResources();
            return;
        }
        try {
            if (!finished.await(60, TimeUnit.SECONDS)) {
                LOG.warn("generator {} did not stop within 60 s", settings.generatorId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeResources() {
        prompts.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        producer.close(Duration.ofSeconds(10));
        policyWatcher.close();
        engine.close();
    }

    /** Counts the prompt partitions this member owns (for {@link #assignedPartitions()}). */
    private final class PartitionCount implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.addAndGet(-partitions.size());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAndGet(partitions.size());
            LOG.info("generator {} now owns prompt partitions {}", settings.generatorId(), partitions);
        }
    }
}
