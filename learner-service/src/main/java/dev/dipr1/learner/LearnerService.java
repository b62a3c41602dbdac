package dev.dipr1.learner;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.dipr1.policy.AdamW;
import dev.dipr1.policy.Policy;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.schemas.serde.UndecodableRecordException;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.DeadLetters;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GRPO learner: reads scored groups, drops stale and zero-variance ones, takes a GRPO step
 * per batch of B groups, publishes a policy update every K steps, and checkpoints weights,
 * optimiser, step, version and consumed offsets together so that a restart neither skips nor
 * repeats a group. It reads partitions by assignment, not by group membership: the learner is
 * one process, and its checkpoint, not the broker, owns its position.
 */
public final class LearnerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnerService.class);
    private static final int RECENT_IDS = 8192;

    private final TopicCatalog catalog;
    private final String advantagesTopic;
    private final LearnerSettings settings;
    private final Policy policy;
    private final Policy reference;
    private final AdamW optimizer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final LongSupplier clock;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final List<StepStats> history = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, Long> nextOffsets = new TreeMap<>();
    private final LinkedHashSet<String> recentIds = new LinkedHashSet<>();
    private final List<ScoredGroup> batch = new ArrayList<>();
    private volatile java.util.function.Consumer<StepStats> stepListener = s -> { };

    private final Counter droppedStale;
    private final Counter droppedZeroVariance;
    private final Counter droppedDuplicate;
    private final DistributionSummary stalenessSummary;
    private final MeterRegistry metrics;
    private final AtomicReference<Double> samplesPerSecond = new AtomicReference<>(0.0);

    private long step;
    private long version;
    private long zeroVarianceSeen;
    private long groupsSeen;
    private volatile boolean started;

    public LearnerService(ClientSettings kafka, TopicCatalog catalog, String advantagesTopic, Policy initial,
            Policy reference, LearnerSettings settings, MeterRegistry metrics, LongSupplier clock) throws IOException {
        this.catalog = catalog;
        this.advantagesTopic = advantagesTopic;
        this.settings = settings;
        this.policy = initial;
        this.reference = reference;
        this.clock = clock;
        this.metrics = metrics;
        this.optimizer = AdamW.defaults();
        this.version = initial.version();
        restoreIfCheckpointed();

        Map<String, Object> c = new HashMap<>(kafka.asMap());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 64);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, catalog.prefix() + "learner");
        this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, Object> p = new HashMap<>(kafka.asMap());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, catalog.prefix() + "learner-producer");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());

        droppedStale = metrics.counter("batch/dropped", "reason", "stale");
        droppedZeroVariance = metrics.counter("batch/dropped", "reason", "zero_variance");
        droppedDuplicate = metrics.counter("batch/dropped", "reason", "duplicate");
        stalenessSummary = DistributionSummary.builder("rollout/staleness").serviceLevelObjectives(0.5, 1.5, 2.5, 3.5, 4.5, 8.5, 16.5)
                .register(metrics);
        metrics.gauge("throughput/samples_per_s", samplesPerSecond, AtomicReference::get);
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
        recentIds.addAll(ck.recentGroupIds());
        LOG.info("learner resumed from {}: step {}, policy v{}, offsets {}", settings.checkpointPath(), step, version,
                nextOffsets);
    }

    /** Trains until stopped or {@code maxSteps} is reached. */
    public void run() {
        started = true;
        try {
            List<TopicPartition> parts = consumer.partitionsFor(advantagesTopic, Duration.ofSeconds(60)).stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
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
            LOG.info("learner reading {} from step {} (policy v{}), B={} groups, K={}, max staleness {}",
                    advantagesTopic, step, version, settings.batchGroups(), settings.publishEvery(),
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
            consumer.close(Duration.ofSeconds(5));
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
        groupsSeen++;
        if (!remember(g.getGroupId())) {
            droppedDuplicate.increment();
            LOG.info("dropped group {}: already applied (a redone prompt)", g.getGroupId());
            return;
        }
        long staleness = version - g.getRollout().getPolicyVersion();
        if (staleness > settings.maxStaleness()) {
            droppedStale.increment();
            LOG.debug("dropped group {}: policy v{} is {} versions behind v{} (max staleness {})", g.getGroupId(),
                    g.getRollout().getPolicyVersion(), staleness, version, settings.maxStaleness());
            return;
        }
        if (g.getZeroVariance()) {
            zeroVarianceSeen++;
            if (settings.skipZeroVariance()) {
                droppedZeroVariance.increment();
                LOG.debug("dropped group {}: all rewards equal (zero variance)", g.getGroupId());
                return;
            }
        }
        stalenessSummary.record(staleness);
        batch.add(g);
        if (batch.size() >= settings.batchGroups()) {
            trainOn(new ArrayList<>(batch));
            batch.clear();
        }
    }

    private boolean remember(String groupId) {
        if (recentIds.contains(groupId)) {
            return false;
        }
        recentIds.add(groupId);
        if (recentIds.size() > RECENT_IDS) {
            recentIds.remove(recentIds.iterator().next());
        }
        return true;
    }

    private void trainOn(List<ScoredGroup> groups) {
        long t0 = System.nanoTime();
        BatchTensors b = BatchTensors.of(groups);
        if (b.samples() == 0) {
            LOG.warn("a batch of {} groups had no completion tokens; skipped", groups.size());
            return;
        }
        float[] refLogp;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ref = reference.tokenLogProbs(m, b.images(), b.tokens(), b.temperature());
            refLogp = ref.toFloatArray();
        }
        double policyLoss = 0;
        double kl = 0;
        double clip = 0;
        double gradNorm = 0;
        for (int it = 0; it < settings.innerIterations(); it++) {
            try (NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logp = policy.tokenLogProbs(m, b.images(), b.tokens(), b.temperature());
                    Shape shape = logp.getShape();
                    int t = (int) shape.get(1);
                    GrpoLoss.Output out = GrpoLoss.compute(logp, m.create(b.oldLogProbs(t), shape),
                            m.create(pad(refLogp, b.maxLength(), t, b.samples()), shape), m.create(b.advantages()),
                            GrpoLoss.mask(m, b.lengths(), t), settings.loss());
                    gc.backward(out.loss());
                    policyLoss = out.policyLoss().getFloat();
                    kl = out.kl().getFloat();
                    clip = out.clipFraction().getFloat();
                }
                gradNorm = optimizer.step(policy.parameters(), settings.learningRate());
            }
        }
        if (!Double.isFinite(policyLoss) || !Double.isFinite(kl)) {
            throw new IllegalStateException("GRPO loss became " + policyLoss + " (kl " + kl + ") at step " + step
                    + ": lower --lr");
        }
        step++;
        double seconds = (System.nanoTime() - t0) / 1e9;
        samplesPerSecond.set(b.samples() / seconds);
        StepStats s = stats(groups, b.samples(), policyLoss, kl, clip, gradNorm, seconds);
        history.add(s);
        record(s);
        stepListener.accept(s);
        if (step % settings.publishEvery() == 0) {
            publish();
        }
        if (step % settings.checkpointEvery() == 0 || step % settings.publishEvery() == 0 || done()) {
            checkpoint();
        }
    }

    private static float[] pad(float[] values, int fromT, int toT, int rows) {
        if (fromT == toT) {
            return values;
        }
        float[] out = new float[rows * toT];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(values, i * fromT, out, i * toT, Math.min(fromT, toT));
        }
        return out;
    }

    private StepStats stats(List<ScoredGroup> groups, int samples, double policyLoss, double kl, double clip,
            double gradNorm, double seconds) {
        double f = 0;
        double l = 0;
        double a = 0;
        double t = 0;
        int n = 0;
        List<Long> staleness = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (ScoredGroup g : groups) {
            ids.add(g.getGroupId());
            staleness.add(version - g.getRollout().getPolicyVersion());
            for (CompletionScore c : g.getScores()) {
                f += c.getFormat();
                l += c.getLook();
                a += c.getAccuracy();
                t += c.getTotal();
                n++;
            }
        }
        double zv = groupsSeen == 0 ? 0 : (double) zeroVarianceSeen / groupsSeen;
        return new StepStats(step, version, ids, samples, policyLoss, kl, clip, gradNorm, f / n, l / n, a / n, t / n,
                staleness, zv, seconds);
    }

    private void record(StepStats s) {
        metrics.summary("loss/policy").record(s.policyLoss());
        metrics.summary("loss/kl").record(s.kl());
        metrics.summary("clip_ratio").record(s.clipRatio());
        metrics.summary("reward/format").record(s.rewardFormat());
        metrics.summary("reward/look").record(s.rewardLook());
        metrics.summary("reward/accuracy").record(s.rewardAccuracy());
        metrics.summary("batch/zero_variance_fraction").record(s.zeroVarianceFraction());
        LOG.info(String.format("step %d (policy v%d): loss %.4f kl %.4f clip %.3f | reward format %.3f look %.3f "
                        + "accuracy %.3f | staleness %s | zero-variance %.0f%% | %.1f samples/s",
                s.step(), s.policyVersion(), s.policyLoss(), s.kl(), s.clipRatio(), s.rewardFormat(), s.rewardLook(),
                s.rewardAccuracy(), s.staleness(), 100 * s.zeroVarianceFraction(), s.samples() / s.seconds()));
    }

    private void publish() {
        version++;
        policy.setVersion(version);
        try {
            PolicyUpdate u = PolicyUpdates.create(policy.toBytes(), Policy.MAGIC + "/" + Policy.FORMAT_VERSION, version,
                    step, settings.inlineLimit(), settings.policyDir(), clock.getAsLong());
            producer.send(new ProducerRecord<>(catalog.policy().name(), TopicCatalog.policyKey(),
                    Serdes.POLICY_UPDATE.encode(u))).get(60, TimeUnit.SECONDS);
            LOG.info("published policy v{} at step {} ({} bytes {})", version, step, u.getSizeBytes(),
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
            new LearnerCheckpoint(policy.toBytes(), optimizer.stateBytes(), step, version, advantagesTopic,
                    new TreeMap<>(nextOffsets), new ArrayList<>(recentIds)).save(settings.checkpointPath());
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

    public List<StepStats> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    public long step() {
        return step;
    }

    public long version() {
        return version;
    }

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
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(10));
        }
        optimizer.close();
    }

    /** The tensors of a batch, as plain arrays. */
    record BatchTensors(float[][] images, int[][] tokens, float[][] oldLogProbs, float[] advantages, int[] lengths,
            float temperature, int maxLength) {

        int samples() {
            return tokens.length;
        }

        /** Behaviour log-probs padded to [N, t]. */
        float[] oldLogProbs(int t) {
            float[] out = new float[tokens.length * t];
            for (int i = 0; i < tokens.length; i++) {
                System.arraycopy(oldLogProbs[i], 0, out, i * t, Math.min(t, oldLogProbs[i].length));
            }
            return out;
        }

        static BatchTensors of(List<ScoredGroup> groups) {
            List<float[]> images = new ArrayList<>();
            List<int[]> tokens = new ArrayList<>();
            List<float[]> old = new ArrayList<>();
            List<Float> adv = new ArrayList<>();
            float temperature = (float) groups.get(0).getRollout().getTemperature();
            for (ScoredGroup g : groups) {
                RolloutGroup r = g.getRollout();
                if (r.getTemperature() != temperature) {
                    LOG.warn("group {} was sampled at temperature {}, the batch at {}: its ratios use {}",
                            r.getGroupId(), r.getTemperature(), temperature, temperature);
                }
                float[] chw;
                try {
                    chw = Scene.pixelsChw(PngImages.read(r.getImage(), r.getImageUri()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the image of group " + r.getGroupId(), e);
                }
                for (int i = 0; i < r.getCompletions().size(); i++) {
                    Completion c = r.getCompletions().get(i);
                    if (c.getTokenIds().isEmpty()) {
                        continue; // no tokens, no gradient
                    }
                    images.add(chw);
                    tokens.add(c.getTokenIds().stream().mapToInt(Integer::intValue).toArray());
                    float[] lp = new float[c.getBehaviourLogprobs().size()];
                    for (int k = 0; k < lp.length; k++) {
                        lp[k] = c.getBehaviourLogprobs().get(k);
                    }
                    old.add(lp);
                    adv.add((float) g.getScores().get(i).getAdvantage());
                }
            }
            int[] lengths = tokens.stream().mapToInt(t -> t.length).toArray();
            float[] a = new float[adv.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = adv.get(i);
            }
            int max = 0;
            for (int len : lengths) {
                max = Math.max(max, len);
            }
            return new BatchTensors(images.toArray(float[][]::new), tokens.toArray(int[][]::new),
                    old.toArray(float[][]::new), a, lengths, temperature, max);
        }
    }
}
