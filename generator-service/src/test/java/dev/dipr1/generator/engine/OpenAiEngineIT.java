package dev.dipr1.generator.engine;

import static dev.dipr1.generator.engine.RunningGenerator.await;
import static dev.dipr1.generator.engine.RunningGenerator.deadLetters;
import static dev.dipr1.generator.engine.RunningGenerator.prompt;
import static dev.dipr1.generator.engine.RunningGenerator.rollouts;
import static dev.dipr1.generator.engine.RunningGenerator.topics;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.generator.GroupSampler;
import dev.dipr1.generator.PromptFeeder;
import dev.dipr1.generator.RolloutGroups;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.Completion;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.schemas.PromptTask;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.schemas.serde.Serdes;
import dev.dipr1.server.PolicyServer;
import dev.dipr1.server.ServerSettings;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP engine end to end: prompts from a real broker, groups sampled by a real server ({@code
 * dipr1 serve}'s {@link PolicyServer} with a real, tiny DJL policy), rollouts and dead letters back
 * on the broker. The same seed gives the in-process engine's groups; a fault-injecting proxy in front
 * of the server makes each failure end as a retry that succeeds or a dead letter with its reason, and
 * every prompt as exactly one group or one dead letter; a new policy version reaches the server and
 * the groups after it carry it.
 */
class OpenAiEngineIT {

    private static final int G = 4;

    @TempDir
    static Path root;

    private static byte[] v0;

    @BeforeAll
    static void policy() {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 7)) {
            v0 = p.toBytes();
        }
    }

    /** A server for one test: v0, accepting weights from {@code weightsDir}. */
    private static PolicyServer serve(Path weightsDir) throws Exception {
        Files.createDirectories(weightsDir);
        return PolicyServer.start(
                ServerSettings.defaults(0).withWeights(weightsDir, null),
                Policy.fromBytes(v0),
                PolicyUpdates.sha256(v0));
    }

    private static GeneratorSettings sampling(String id, Path weightsDir, int promptsPerBatch) {
        return new GeneratorSettings(id, G, 1f, 1f, 24, 11, 0)
                .withWeightsDir(weightsDir)
                .withPromptsPerBatch(promptsPerBatch);
    }

    private static GeneratorSettings http(
            String id,
            Path weightsDir,
            URI endpoint,
            EngineSettings.WeightsUpdate update,
            int promptsPerBatch,
            Duration timeout,
            int retries) {
        return sampling(id, weightsDir, promptsPerBatch)
                .withEngine(new EngineSettings(
                        EngineSettings.Kind.OPENAI,
                        endpoint,
                        EngineSettings.DEFAULT_MODEL,
                        update,
                        promptsPerBatch,
                        timeout,
                        retries));
    }

    private static List<Scene> feed(TopicCatalog catalog, long seed, int from, int count) {
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, seed, from, count);
        PromptFeeder.publish(RunningGenerator.KAFKA, catalog, "synthetic", "train", scenes, 1, 7, 0);
        return scenes;
    }

    @Test
    void overHttpTheSameSeedGivesTheGroupsOfTheInProcessEngine() throws Exception {
        Path weights = root.resolve("same");
        TopicCatalog inProcess = topics("oai-same-djl.");
        TopicCatalog overHttp = topics("oai-same-http.");
        List<Scene> scenes = feed(inProcess, 31, 0, 6);
        feed(overHttp, 31, 0, 6);

        // Given the in-process engine's groups
        List<RolloutGroup> expected;
        try (RunningGenerator g =
                RunningGenerator.start(inProcess, Policy.fromBytes(v0), sampling("gen-djl", weights, 1))) {
            expected = rollouts(inProcess, scenes.size(), Duration.ofSeconds(120));
            assertNull(g.error());
        }
        // When the same prompts go through dipr1 serve with the same policy and seeds
        List<RolloutGroup> actual;
        try (PolicyServer server = serve(weights);
                RunningGenerator g = RunningGenerator.start(
                        overHttp,
                        Policy.fromBytes(v0),
                        http(
                                "gen-http",
                                weights,
                                server.baseUri(),
                                EngineSettings.WeightsUpdate.NONE,
                                1,
                                Duration.ofSeconds(60),
                                0))) {
            actual = rollouts(overHttp, scenes.size(), Duration.ofSeconds(120));
            assertNull(g.error());
        }

        // Then every group is the same, completion for completion
        assertEquals(scenes.size(), expected.size());
        assertEquals(scenes.size(), actual.size());
        Map<String, RolloutGroup> byId = actual.stream().collect(Collectors.toMap(RolloutGroup::getGroupId, r -> r));
        for (RolloutGroup e : expected) {
            RolloutGroup a = byId.get(e.getGroupId());
            assertTrue(a != null, "no HTTP group for " + e.getGroupId());
            assertEquals("gen-http", a.getGeneratorId());
            assertEquals(e.getSeed(), a.getSeed());
            assertEquals(e.getPolicyVersion(), a.getPolicyVersion());
            assertEquals(e.getPromptTokenIds(), a.getPromptTokenIds());
            assertEquals(e.getImage(), a.getImage(), "the same pixels travel with the group");
            assertEquals(e.getCompletions(), a.getCompletions(), e.getGroupId());
        }
    }

    @Test
    void eachFaultEndsAsARetryThatSucceedsOrADeadLetterWithItsReason() throws Exception {
        Path weights = root.resolve("faults");
        TopicCatalog catalog = topics("oai-faults.");
        try (PolicyServer server = serve(weights);
                FaultProxy proxy = new FaultProxy(server.baseUri(), Duration.ofSeconds(5))) {
            // Given (one request at a time, two retries) the faults of eight prompts in the order they are sent:
            proxy.plan(
                    FaultProxy.Fault.HTTP_500, // 1: 500, 500, then answered: a group
                    FaultProxy.Fault.HTTP_500,
                    FaultProxy.Fault.PASS,
                    FaultProxy.Fault.SLOW, // 2: three times slower than the timeout: a dead letter
                    FaultProxy.Fault.SLOW,
                    FaultProxy.Fault.SLOW,
                    FaultProxy.Fault.DROP, // 3: dropped once, then answered: a group
                    FaultProxy.Fault.PASS,
                    FaultProxy.Fault.FEWER_CHOICES, // 4: three times one choice short: a dead letter
                    FaultProxy.Fault.FEWER_CHOICES,
                    FaultProxy.Fault.FEWER_CHOICES,
                    FaultProxy.Fault.TRUNCATED, // 5: cut mid-body once, then answered: a group
                    FaultProxy.Fault.PASS,
                    FaultProxy.Fault.BAD_LOGPROBS, // 6: three times a positive log-prob: a dead letter
                    FaultProxy.Fault.BAD_LOGPROBS,
                    FaultProxy.Fault.BAD_LOGPROBS); // 7 and 8: answered
            List<Scene> scenes = feed(catalog, 41, 0, 8);

            // When a generator sends them through the proxy
            List<RolloutGroup> groups;
            List<DeadLetter> dead;
            try (RunningGenerator g = RunningGenerator.start(
                    catalog,
                    Policy.fromBytes(v0),
                    http(
                            "gen-faults",
                            weights,
                            proxy.uri(),
                            EngineSettings.WeightsUpdate.NONE,
                            1,
                            Duration.ofSeconds(2),
                            2))) {
                groups = rollouts(catalog, 5, Duration.ofSeconds(120));
                dead = deadLetters(catalog, 3, Duration.ofSeconds(60));
                assertTrue(g.alive(), "generator still running; error: " + g.error());
            }

            // Then five groups and three dead letters, each saying why
            assertEquals(0, proxy.pending(), "every planned fault was met: " + proxy.faultsApplied());
            assertTrue(
                    reasonsOf(dead).stream().noneMatch(r -> r.contains("HTTP 500") || r.contains("connection")),
                    "the 500s, the drop and the cut answer were retried: " + reasonsOf(dead));
            assertEquals(18, proxy.chatRequests(), "3 + 3 + 2 + 3 + 2 + 3 + 1 + 1 requests");
            assertEquals(
                    5,
                    groups.size(),
                    "groups: " + groups.stream().map(RolloutGroup::getSampleId).toList());
            assertEquals(3, dead.size(), dead.toString());
            List<String> reasons = dead.stream().map(DeadLetter::getReason).toList();
            assertTrue(dead.stream().allMatch(d -> d.getStage().equals("generator/engine")), reasons.toString());
            assertTrue(reasons.stream().allMatch(r -> r.contains("failed 3 attempts")), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.contains("no answer within")), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.contains("expected 4 choices")), reasons.toString());
            assertTrue(reasons.stream().anyMatch(r -> r.contains("log-prob 0.5")), reasons.toString());
            groups.forEach(r -> assertEquals(G, r.getCompletions().size()));
            assertEachPromptOnce(scenes, groups, dead);
        }
    }

    @Test
    void concurrentRequestsWithFaultsLoseAndDuplicateNothing() throws Exception {
        Path weights = root.resolve("concurrent");
        TopicCatalog catalog = topics("oai-concurrent.");
        try (PolicyServer server = serve(weights);
                FaultProxy proxy = new FaultProxy(server.baseUri(), Duration.ofSeconds(4))) {
            // Given four prompts in flight at a time and faults landing on whichever request comes next
            proxy.plan(
                    FaultProxy.Fault.HTTP_500,
                    FaultProxy.Fault.DROP,
                    FaultProxy.Fault.FEWER_CHOICES,
                    FaultProxy.Fault.SLOW,
                    FaultProxy.Fault.TRUNCATED,
                    FaultProxy.Fault.BAD_LOGPROBS,
                    FaultProxy.Fault.HTTP_500,
                    FaultProxy.Fault.DROP);
            List<Scene> scenes = feed(catalog, 43, 0, 16);

            List<RolloutGroup> groups;
            List<DeadLetter> dead;
            try (RunningGenerator g = RunningGenerator.start(
                    catalog,
                    Policy.fromBytes(v0),
                    http(
                            "gen-concurrent",
                            weights,
                            proxy.uri(),
                            EngineSettings.WeightsUpdate.NONE,
                            4,
                            Duration.ofSeconds(2),
                            1))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                do {
                    groups = rollouts(catalog, scenes.size(), Duration.ofSeconds(1));
                    dead = deadLetters(catalog, 0, Duration.ZERO);
                } while (groups.size() + dead.size() < scenes.size() && System.nanoTime() < deadline);
                assertNull(g.error());
            }

            // Then every prompt is exactly one group or one dead letter (a fault retried once more may end either way)
            assertEquals(8, proxy.faultsApplied().size());
            assertTrue(dead.stream().allMatch(d -> d.getStage().equals("generator/engine")));
            assertEachPromptOnce(scenes, groups, dead);
        }
    }

    @Test
    void aServerOutageStallsTheGeneratorInsteadOfDeadLetteringItsPrompts() throws Exception {
        Path weights = root.resolve("outage");
        TopicCatalog catalog = topics("oai-outage.");
        try (PolicyServer server = serve(weights);
                FaultProxy proxy = new FaultProxy(server.baseUri(), Duration.ofSeconds(1));
                RunningGenerator g = RunningGenerator.start(
                        catalog,
                        Policy.fromBytes(v0),
                        http(
                                "gen-outage",
                                weights,
                                proxy.uri(),
                                EngineSettings.WeightsUpdate.NONE,
                                1,
                                Duration.ofSeconds(2),
                                1))) {
            List<Scene> first = feed(catalog, 47, 0, 1);
            assertEquals(1, rollouts(catalog, 1, Duration.ofSeconds(60)).size());

            // Given the server goes away (every connection dropped, /health too) with two prompts waiting
            proxy.down(true);
            List<Scene> more = feed(catalog, 47, 1, 2);
            Thread.sleep(6_000); // far beyond one retry's back-off

            // Then nothing is dead-lettered while it is away, and both prompts are done once it is back
            assertEquals(0, deadLetters(catalog, 0, Duration.ZERO).size(), "no dead letter during the outage");
            assertEquals(1, g.service.groupsGenerated());
            proxy.down(false);
            List<RolloutGroup> groups = rollouts(catalog, 3, Duration.ofSeconds(60));
            List<Scene> all = new ArrayList<>(first);
            all.addAll(more);
            assertEachPromptOnce(all, groups, deadLetters(catalog, 0, Duration.ZERO));
            assertEquals(3, groups.size());
            assertNull(g.error());
        }
    }

    @Test
    void aNewPolicyVersionReachesTheServerAndTheGroupsAfterItCarryIt() throws Exception {
        Path weights = root.resolve("sync");
        TopicCatalog catalog = topics("oai-sync.");
        GeneratorSettings settings;
        try (PolicyServer server = serve(weights);
                FaultProxy proxy = new FaultProxy(server.baseUri(), Duration.ofSeconds(1))) {
            settings = http(
                    "gen-sync", weights, proxy.uri(), EngineSettings.WeightsUpdate.DISK, 1, Duration.ofSeconds(30), 1);
            try (RunningGenerator g = RunningGenerator.start(catalog, Policy.fromBytes(v0), settings);
                    Policy v1 = Policy.initialise(PolicyConfig.tiny(), 99)) {
                List<Scene> before = feed(catalog, 53, 0, 2);
                assertEquals(2, rollouts(catalog, 2, Duration.ofSeconds(60)).size());

                // Given the learner publishes v1 inline, and the server's first attempt to load it fails
                proxy.failUpdates(1);
                v1.setVersion(1);
                byte[] v1Bytes = v1.toBytes();
                publish(catalog, PolicyUpdates.create(v1Bytes, "dipr1-policy/1", 1, 10, 1 << 30, weights, 0));

                // Then the generator writes the checkpoint for the server, which loads it on the retry
                assertTrue(
                        await(() -> server.policyVersion() == 1, Duration.ofSeconds(60)),
                        "server at v" + server.policyVersion() + "; error " + g.error());
                assertTrue(proxy.updateRequests() >= 2, "the failed load was tried again");
                assertTrue(Files.exists(weights.resolve("served-gen-sync-v1.ckpt")));
                assertTrue(await(() -> g.service.policyVersion() == 1, Duration.ofSeconds(30)));

                // And the groups of later prompts carry v1 and are what v1 samples
                List<Scene> after = feed(catalog, 53, 2, 3);
                List<RolloutGroup> groups = rollouts(catalog, 5, Duration.ofSeconds(60));
                assertEquals(5, groups.size());
                Map<String, RolloutGroup> bySample =
                        groups.stream().collect(Collectors.toMap(RolloutGroup::getSampleId, Function.identity()));
                for (Scene s : before) {
                    assertEquals(0, bySample.get(s.id()).getPolicyVersion(), s.id());
                }
                for (Scene s : after) {
                    RolloutGroup r = bySample.get(s.id());
                    assertEquals(1, r.getPolicyVersion(), s.id());
                    assertSampledBy(v1, settings, r);
                }

                // When something else makes the server serve v2 behind the generator's back
                Path v2File = weights.resolve("elsewhere-v2.ckpt");
                byte[] v2Bytes;
                try (Policy v2 = Policy.initialise(PolicyConfig.tiny(), 100)) {
                    v2.setVersion(2);
                    v2Bytes = v2.toBytes();
                }
                Files.write(v2File, v2Bytes);
                HttpResponse<String> loaded = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(server.baseUri() + "/update_weights_from_disk"))
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"model_path\":\""
                                                + v2File.toAbsolutePath() + "\",\"weight_version\":\"2\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(200, loaded.statusCode(), loaded.body());
                List<Scene> unconfirmed = feed(catalog, 53, 5, 2);

                // Then its groups are dead letters: the server's version is not the one the generator confirmed
                List<DeadLetter> dead = deadLetters(catalog, 2, Duration.ofSeconds(60));
                assertEquals(2, dead.size(), dead.toString());
                for (DeadLetter d : dead) {
                    assertTrue(d.getReason().contains("answered with policy v2 but had confirmed v1"), d.getReason());
                }
                List<Scene> all = new ArrayList<>(before);
                all.addAll(after);
                all.addAll(unconfirmed);
                assertEachPromptOnce(all, rollouts(catalog, 5, Duration.ofSeconds(5)), dead);
                assertNull(g.error());
            }
        }
    }

    private static List<String> reasonsOf(List<DeadLetter> dead) {
        return dead.stream().map(DeadLetter::getReason).toList();
    }

    @Test
    void withoutWeightSyncGroupsCarryTheVersionTheServerNames() throws Exception {
        Path weights = root.resolve("follow");
        TopicCatalog catalog = topics("oai-follow.");
        try (PolicyServer server = serve(weights);
                Policy v1 = Policy.initialise(PolicyConfig.tiny(), 99)) {
            GeneratorSettings settings = http(
                    "gen-follow",
                    weights,
                    server.baseUri(),
                    EngineSettings.WeightsUpdate.NONE,
                    1,
                    Duration.ofSeconds(30),
                    1);
            try (RunningGenerator g = RunningGenerator.start(catalog, Policy.fromBytes(v0), settings)) {
                List<Scene> before = feed(catalog, 59, 0, 2);
                assertEquals(2, rollouts(catalog, 2, Duration.ofSeconds(60)).size());

                // Given the server moves to v1 by itself (as one following the policy topic would) and v1 is published
                v1.setVersion(1);
                byte[] v1Bytes = v1.toBytes();
                Path file = weights.resolve("followed-v1.ckpt");
                Files.write(file, v1Bytes);
                HttpResponse<String> loaded = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(server.baseUri() + "/update_weights_from_disk"))
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"model_path\":\""
                                                + file.toAbsolutePath() + "\",\"weight_version\":\"1\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertEquals(200, loaded.statusCode(), loaded.body());
                publish(catalog, PolicyUpdates.create(v1Bytes, "dipr1-policy/1", 1, 10, 1 << 30, weights, 0));

                // Then the generator takes v1 as applied (the server names it) and its later groups are v1's
                assertTrue(
                        await(() -> g.service.policyVersion() == 1, Duration.ofSeconds(30)),
                        "generator at v" + g.service.policyVersion() + "; error " + g.error());
                List<Scene> after = feed(catalog, 59, 2, 2);
                List<RolloutGroup> groups = rollouts(catalog, 4, Duration.ofSeconds(60));
                Map<String, RolloutGroup> bySample =
                        groups.stream().collect(Collectors.toMap(RolloutGroup::getSampleId, Function.identity()));
                for (Scene s : before) {
                    assertEquals(0, bySample.get(s.id()).getPolicyVersion(), s.id());
                }
                for (Scene s : after) {
                    assertEquals(1, bySample.get(s.id()).getPolicyVersion(), s.id());
                    assertSampledBy(v1, settings, bySample.get(s.id()));
                }
                assertEquals(0, deadLetters(catalog, 0, Duration.ZERO).size());
                assertNull(g.error());
            }
        }
    }

    /** Every scene was one group or one dead letter, none both, none twice, nothing else. */
    private static void assertEachPromptOnce(List<Scene> scenes, List<RolloutGroup> groups, List<DeadLetter> dead) {
        List<String> done = new ArrayList<>();
        groups.forEach(r -> done.add(r.getSampleId()));
        dead.forEach(d -> done.add(prompt(d).getSampleId()));
        Map<String, Long> counts =
                done.stream().collect(Collectors.groupingBy(s -> s, HashMap::new, Collectors.counting()));
        for (Scene s : scenes) {
            assertEquals(1L, counts.getOrDefault(s.id(), 0L), s.id() + " in " + counts);
        }
        assertEquals(scenes.size(), done.size(), "nothing else: " + counts);
    }

    /** {@code r}'s completions are those {@code policy} samples in process for its image and seed. */
    private static void assertSampledBy(Policy policy, GeneratorSettings settings, RolloutGroup r) throws Exception {
        PromptTask task = PromptTask.newBuilder()
                .setSampleId(r.getSampleId())
                .setDataset("synthetic")
                .setSplit(r.getSplit())
                .setEpoch(r.getEpoch())
                .setImageUri(r.getImageUri())
                .setWidth(r.getWidth())
                .setHeight(r.getHeight())
                .setQuestion("Detect every person.")
                .setCreatedAtMs(Instant.EPOCH)
                .build();
        assertEquals(r.getGroupId(), RolloutGroups.groupId(task));
        BufferedImage image = PngImages.read(r.getImage(), r.getImageUri());
        RolloutGroups.Sampled expected = new GroupSampler(settings)
                .sample(policy, List.of(task), List.of(image))
                .get(0);
        assertEquals(expected.seed(), r.getSeed());
        for (int i = 0; i < G; i++) {
            SampledCompletion e = expected.completions().get(i);
            Completion a = r.getCompletions().get(i);
            assertArrayEquals(
                    e.tokenIds(),
                    a.getTokenIds().stream().mapToInt(Integer::intValue).toArray());
        }
    }

    private static void publish(TopicCatalog catalog, PolicyUpdate u) throws Exception {
        Map<String, Object> c = new HashMap<>(RunningGenerator.KAFKA.asMap());
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicCatalog.POLICY_MAX_MESSAGE_BYTES);
        try (KafkaProducer<String, byte[]> p =
                new KafkaProducer<>(c, new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(
                            catalog.policy().name(), TopicCatalog.policyKey(), Serdes.POLICY_UPDATE.encode(u)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
