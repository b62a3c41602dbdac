package dev.dipr1.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.broker.KafkaTestCluster;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SamplingSettings;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.CompletionScore;
import dev.dipr1.schemas.FinishReason;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.ScoredGroup;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.TopicAdmin;
import dev.dipr1.topics.TopicCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kill the learner mid-run, restart it from its checkpoint: every group applied exactly once. */
class LearnerResumeIT {

    private final ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());

    @Test
    void aKilledLearnerResumesWithoutSkippingOrRepeatingAGroup(@TempDir Path dir) throws Exception {
        TopicCatalog catalog = TopicCatalog.withPrefix("learner-it.");
        try (Admin admin = Admin.create(kafka.asMap())) {
            new TopicAdmin(admin, (short) 1).ensure(catalog.all());
        }
        int groups = 16;
        List<String> ids = publishScoredGroups(catalog, groups);
        LearnerSettings settings = new LearnerSettings(
                2,
                1,
                1e-4f,
                GrpoLoss.Settings.defaults(),
                100,
                true,
                1,
                1,
                dir.resolve("learner.ckpt"),
                dir.resolve("policies"),
                1 << 24,
                0,
                false);

        // Run 1: stopped abruptly after a few steps.
        List<StepStats> first;
        long versionAtKill;
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy ref = init.copy()) {
            LearnerService learner = new LearnerService(
                    kafka,
                    catalog,
                    catalog.advantages().name(),
                    init.copy(),
                    ref,
                    settings,
                    new SimpleMeterRegistry(),
                    System::currentTimeMillis);
            Thread t = new Thread(learner::run, "learner-1");
            t.start();
            waitFor(() -> learner.step() >= 3, Duration.ofSeconds(120));
            learner.stop();
            t.join(60_000);
            first = learner.history();
            versionAtKill = learner.version();
            learner.close();
        }
        LearnerCheckpoint saved = LearnerCheckpoint.load(dir.resolve("learner.ckpt"));
        List<String> appliedBeforeKill = new ArrayList<>();
        first.stream().filter(s -> s.step() <= saved.step()).forEach(s -> appliedBeforeKill.addAll(s.groupIds()));

        // Run 2: a fresh process state, resumed from the checkpoint alone.
        List<StepStats> second;
        try (Policy init = Policy.initialise(PolicyConfig.tiny(), 1);
                Policy ref = init.copy()) {
            LearnerService learner = new LearnerService(
                    kafka,
                    catalog,
                    catalog.advantages().name(),
                    init.copy(),
                    ref,
                    settings,
                    new SimpleMeterRegistry(),
                    System::currentTimeMillis);
            assertEquals(saved.step(), learner.step(), "resumes at the checkpointed step");
            assertEquals(versionAtKill, learner.version());
            Thread t = new Thread(learner::run, "learner-2");
            t.start();
            waitFor(() -> learner.step() >= groups / 2, Duration.ofSeconds(120));
            learner.stop();
            t.join(60_000);
            second = learner.history();
            learner.close();
        }
        List<String> applied = new ArrayList<>(appliedBeforeKill);
        second.forEach(s -> applied.addAll(s.groupIds()));
        assertEquals(groups, applied.size(), "no group applied twice: " + applied);
        assertEquals(ids.stream().sorted().toList(), applied.stream().sorted().toList(), "no group skipped");
        assertTrue(second.get(0).step() == saved.step() + 1, "steps continue");
        assertTrue(!Files.exists(dir.resolve("policies")), "updates travel inline under the limit");
    }

    private List<String> publishScoredGroups(TopicCatalog catalog, int n) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 1);
                KafkaProducer<String, ScoredGroup> producer = new KafkaProducer<>(
                        kafka.asMap(),
                        catalog.advantages().keySerde().serializer(),
                        catalog.advantages().valueSerde().serializer())) {
            Sampler sampler = new Sampler();
            for (int i = 0; i < n; i++) {
                Scene scene = SyntheticScenes.generate(Split.TRAIN, 9, i);
                List<SampledCompletion> samples =
                        sampler.sample(p, scene.pixelsChw(), 2, new SamplingSettings(1f, 1f, 12, i));
                List<Completion> cs = new ArrayList<>();
                List<CompletionScore> scores = new ArrayList<>();
                for (int k = 0; k < samples.size(); k++) {
                    SampledCompletion s = samples.get(k);
                    List<Integer> tok = new ArrayList<>();
                    List<Float> lps = new ArrayList<>();
                    for (int j = 0; j < s.tokenIds().length; j++) {
                        tok.add(s.tokenIds()[j]);
                        lps.add(s.logProbs()[j]);
                    }
                    cs.add(Completion.newBuilder()
                            .setIndex(k)
                            .setText(s.text())
                            .setTokenIds(tok)
                            .setBehaviourLogprobs(lps)
                            .setFinishReason(FinishReason.LENGTH)
                            .build());
                    double a = k == 0 ? 0.7 : -0.7;
                    scores.add(
                            new CompletionScore(k, 1.0, 0.0, k == 0 ? 1.0 : 0.0, 1.0 + (k == 0 ? 1 : 0), a, false, 0));
                }
                String id = scene.id() + "/e0";
                ids.add(id);
                RolloutGroup r = RolloutGroup.newBuilder()
                        .setGroupId(id)
                        .setSampleId(scene.id())
                        .setSplit("train")
                        .setEpoch(0)
                        .setPolicyVersion(0L)
                        .setGeneratorId("test")
                        .setTemperature(1.0)
                        .setTopP(1.0)
                        .setSeed(i)
                        .setImageUri("inline")
                        .setImage(ByteBuffer.wrap(PngImages.encode(scene.image())))
                        .setWidth(64)
                        .setHeight(64)
                        .setPromptTokenIds(List.of())
                        .setCompletions(cs)
                        .setCreatedAtMs(Instant.EPOCH)
                        .setGenerationMs(0L)
                        .build();
                ScoredGroup g = ScoredGroup.newBuilder()
                        .setGroupId(id)
                        .setRewardVersion(1)
                        .setRewardConfigHash("h")
                        .setRewardConfigJson("{}")
                        .setScores(scores)
                        .setRewardMean(1.5)
                        .setRewardStd(0.7)
                        .setZeroVariance(false)
                        .setSourceTopic("t")
                        .setSourcePartition(0)
                        .setSourceOffset(i)
                        .setScoredAtMs(Instant.EPOCH)
                        .setRollout(r)
                        .build();
                producer.send(new ProducerRecord<>(catalog.advantages().name(), id, g))
                        .get(30, TimeUnit.SECONDS);
            }
        }
        return ids;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout);
            }
            Thread.sleep(20);
        }
    }
}
