package dev.dipr1.generator.engine;

import static dev.dipr1.generator.engine.RunningGenerator.deadLetters;
import static dev.dipr1.generator.engine.RunningGenerator.rollouts;
import static dev.dipr1.generator.engine.RunningGenerator.topics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dipr1.generator.Engines;
import dev.dipr1.generator.GeneratorSettings;
import dev.dipr1.generator.PromptFeeder;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import dev.dipr1.schemas.DeadLetter;
import dev.dipr1.schemas.RolloutGroup;
import dev.dipr1.server.PolicyServer;
import dev.dipr1.server.ServerSettings;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tokenizer server} end to end against {@code dipr1 serve}: its answers are also valid when
 * the engine trusts the server's tokenizer, images go at their own resolution (the server resizes
 * them), and an answer without {@code prompt_token_ids} is a dead letter with its reason. The policy
 * reads 32×32 images, the scenes are 64×64, so "own resolution" is visible.
 */
class ServerTokenizerIT {

    private static final int G = 4;

    @TempDir
    static Path root;

    private static byte[] v0;

    @BeforeAll
    static void policy() {
        try (Policy p = Policy.initialise(new PolicyConfig(32, 8, 4, 32, 2, 64, 1, 1, 96), 7)) {
            v0 = p.toBytes();
        }
    }

    private static PolicyServer serve(Path weightsDir) throws Exception {
        Files.createDirectories(weightsDir);
        return PolicyServer.start(
                ServerSettings.defaults(0).withWeights(weightsDir, null),
                Policy.fromBytes(v0),
                PolicyUpdates.sha256(v0));
    }

    private static GeneratorSettings sampling(String id, Path weightsDir) {
        return new GeneratorSettings(id, G, 1f, 1f, 24, 11, 0)
                .withWeightsDir(weightsDir)
                .withPromptsPerBatch(1); // one group per server batch: bit-equal log-probs
    }

    private static GeneratorSettings serverTokenizer(String id, Path weightsDir, URI endpoint, int retries) {
        return sampling(id, weightsDir)
                .withEngine(new EngineSettings(
                        EngineSettings.Kind.OPENAI,
                        endpoint,
                        EngineSettings.DEFAULT_MODEL,
                        EngineSettings.WeightsUpdate.NONE,
                        1,
                        Duration.ofSeconds(60),
                        retries,
                        EngineSettings.TokenizerSource.SERVER,
                        0));
    }

    private static List<Scene> feed(TopicCatalog catalog, long seed, int count) {
        List<Scene> scenes = SyntheticScenes.generate(Split.TRAIN, seed, 0, count);
        PromptFeeder.publish(RunningGenerator.KAFKA, catalog, "synthetic", "train", scenes, 1, 7, 0);
        return scenes;
    }

    @Test
    void dipr1ServesAnswersAreTakenWithTheServersTokenizerAndTheImageAtItsOwnSize() throws Exception {
        Path weights = root.resolve("same");
        TopicCatalog inProcess = topics("tok-same-djl.");
        TopicCatalog overHttp = topics("tok-same-http.");
        List<Scene> scenes = feed(inProcess, 53, 4);
        feed(overHttp, 53, 4);

        // Given the in-process engine's groups (the generator resizes each 64×64 image to 32×32)
        List<RolloutGroup> expected;
        try (RunningGenerator g =
                RunningGenerator.start(inProcess, Policy.fromBytes(v0), sampling("gen-djl", weights))) {
            expected = rollouts(inProcess, scenes.size(), Duration.ofSeconds(120));
            assertNull(g.error());
        }
        // When the same prompts go through dipr1 serve, the engine trusting the server's tokenizer
        // and holding no policy of ours (no --checkpoint: the server's model starts at version 0)
        List<RolloutGroup> actual;
        try (PolicyServer server = serve(weights)) {
            GeneratorSettings http = serverTokenizer("gen-tok", weights, server.baseUri(), 0);
            try (RunningGenerator g = RunningGenerator.start(overHttp, Engines.onServer(http, 0), http)) {
                actual = rollouts(overHttp, scenes.size(), Duration.ofSeconds(120));
                assertNull(g.error());
            }
        }

        // Then the completions and the prompt are the server's, the same as in process (the server
        // resized the same pixels), and the group carries the image it was sent: the task's own
        assertEquals(scenes.size(), actual.size());
        Map<String, RolloutGroup> byId = actual.stream().collect(Collectors.toMap(RolloutGroup::getGroupId, r -> r));
        Map<String, Scene> sceneOf = scenes.stream().collect(Collectors.toMap(Scene::id, s -> s));
        for (RolloutGroup e : expected) {
            RolloutGroup a = byId.get(e.getGroupId());
            assertTrue(a != null, "no HTTP group for " + e.getGroupId());
            assertEquals(e.getPromptTokenIds(), a.getPromptTokenIds());
            assertEquals(e.getCompletions(), a.getCompletions(), e.getGroupId());
            assertEquals(0L, a.getPolicyVersion(), "the version the server started with");
            assertEquals(32, e.getWidth());
            assertEquals(64, a.getWidth());
            assertEquals(64, a.getHeight());
            Scene s = sceneOf.get(a.getSampleId());
            assertEquals(ByteBuffer.wrap(PngImages.encode(s.image())), a.getImage(), "the task's own PNG");
        }
    }

    @Test
    void anAnswerWithoutPromptIdsIsRetriedThenDeadLetteredWithTheReason() throws Exception {
        Path weights = root.resolve("noprompt");
        TopicCatalog catalog = topics("tok-noprompt.");
        try (PolicyServer server = serve(weights);
                FaultProxy proxy = new FaultProxy(server.baseUri(), Duration.ofSeconds(5))) {
            // Given: both attempts (one retry) at the first prompt sent lack prompt_token_ids
            proxy.plan(FaultProxy.Fault.NO_PROMPT_IDS, FaultProxy.Fault.NO_PROMPT_IDS);
            List<Scene> scenes = feed(catalog, 59, 3);

            List<RolloutGroup> groups;
            List<DeadLetter> dead;
            GeneratorSettings settings = serverTokenizer("gen-noprompt", weights, proxy.uri(), 1);
            try (RunningGenerator g = RunningGenerator.start(catalog, Policy.fromBytes(v0), settings)) {
                groups = rollouts(catalog, 2, Duration.ofSeconds(120));
                dead = deadLetters(catalog, 1, Duration.ofSeconds(60));
                assertTrue(g.alive(), "generator still running; error: " + g.error());
            }

            assertEquals(0, proxy.pending(), "every planned fault was met: " + proxy.faultsApplied());
            assertEquals(1, dead.size(), dead.toString());
            String reason = dead.get(0).getReason();
            assertTrue(reason.contains("failed 2 attempts") && reason.contains("no prompt_token_ids"), reason);
            List<String> done = new java.util.ArrayList<>(
                    groups.stream().map(RolloutGroup::getSampleId).toList());
            done.add(RunningGenerator.prompt(dead.get(0)).getSampleId());
            assertEquals(
                    scenes.stream().map(Scene::id).sorted().toList(),
                    done.stream().sorted().toList(),
                    "each prompt once: a group or the dead letter");
            assertEquals(2, groups.size());
            groups.forEach(r -> assertEquals(G, r.getCompletions().size()));
            groups.forEach(r -> assertTrue(!r.getPromptTokenIds().isEmpty()));
        }
    }
}
