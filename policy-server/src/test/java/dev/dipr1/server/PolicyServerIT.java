package dev.dipr1.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.policy.FinishReason;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Sampler;
import dev.dipr1.policy.SamplingSettings;
import dev.dipr1.policy.Tokenizer;
import dev.dipr1.scenes.ImageResizer;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Scene;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdates;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dipr1 serve} over real HTTP with a real (tiny, freshly initialised) DJL policy: what the
 * server answers is what {@link Sampler} gives in process for the same policy, image and settings.
 */
class PolicyServerIT {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Sampler SAMPLER = new Sampler();

    @TempDir
    static Path root;

    private static Path weightsDir;
    /** The served weights, held apart from the server's own copy for the in-process reference. */
    private static Policy v0;

    private static PolicyServer server;

    @BeforeAll
    static void start() throws IOException {
        weightsDir = Files.createDirectories(root.resolve("weights"));
        v0 = Policy.initialise(PolicyConfig.tiny(), 7);
        byte[] bytes = v0.toBytes();
        Files.write(weightsDir.resolve("policy-v0.ckpt"), bytes);
        server = PolicyServer.start(
                ServerSettings.defaults(0).withWeights(weightsDir, null),
                Policy.fromBytes(bytes),
                PolicyUpdates.sha256(bytes));
    }

    @AfterAll
    static void stop() {
        server.close();
        v0.close();
    }

    // ------------------------------------------------------------------ what a request gets

    @Test
    void theSameSeedGivesExactlyTheInProcessSamples() throws Exception {
        for (byte[] png : List.of(ChatBodies.scenePng(1), ChatBodies.scenePng(2, 200, 150))) {
            ObjectNode body = ChatBodies.body(png, 6, 0.9, 50, 777L);
            JsonNode r = json(post("/v1/chat/completions", body));
            List<SampledCompletion> expected =
                    SAMPLER.sample(v0, pixels(png), 6, new SamplingSettings(0.9f, 1f, 50, 777L));
            assertChoicesAre(expected, r, 0f);
            assertArrayEquals(v0.tokenizer().promptIds(), ints(r.get("prompt_token_ids")));
        }
    }

    @Test
    void nChoicesWithTokenIdsThatMatchTheirLogProbsAndFinishReasons() throws Exception {
        HttpResponse<byte[]> response =
                post("/v1/chat/completions", ChatBodies.body(ChatBodies.scenePng(4), 8, 1.0, 30, 5L));
        assertEquals(200, response.statusCode());
        assertEquals(
                "0", response.headers().firstValue(PolicyServer.VERSION_HEADER).orElseThrow());
        JsonNode r = json(response);
        assertEquals(8, r.get("choices").size());
        int completionTokens = 0;
        boolean anyStop = false;
        for (JsonNode c : r.get("choices")) {
            int[] ids = ints(c.get("token_ids"));
            JsonNode content = c.get("logprobs").get("content");
            assertEquals(ids.length, content.size());
            for (int t = 0; t < ids.length; t++) {
                assertEquals("token_id:" + ids[t], content.get(t).get("token").asText());
                assertTrue(content.get(t).get("logprob").asDouble() <= 0);
            }
            boolean endsWithEos = ids.length > 0 && ids[ids.length - 1] == Tokenizer.EOS;
            assertEquals(endsWithEos ? "stop" : "length", c.get("finish_reason").asText());
            if (!endsWithEos) {
                assertEquals(30, ids.length, "a completion cut by the budget has max_tokens tokens");
            }
            anyStop |= endsWithEos;
            completionTokens += ids.length;
        }
        assertEquals(completionTokens, r.get("usage").get("completion_tokens").asInt());
        assertTrue(anyStop || completionTokens == 8 * 30);
    }

    @Test
    void withoutASeedTheServerDrawsOneAndStillAnswers() throws Exception {
        ObjectNode body = ChatBodies.body(ChatBodies.scenePng(5), 2, 1.0, 20, 0L);
        body.remove("seed");
        JsonNode a = json(post("/v1/chat/completions", body));
        JsonNode b = json(post("/v1/chat/completions", body));
        assertEquals(2, a.get("choices").size());
        assertFalse(
                a.get("choices")
                                .get(0)
                                .get("token_ids")
                                .equals(b.get("choices").get(0).get("token_ids"))
                        && a.get("choices")
                                .get(1)
                                .get("token_ids")
                                .equals(b.get("choices").get(1).get("token_ids")),
                "two unseeded requests differ");
    }

    // ------------------------------------------------------------------ batching

    @Test
    void concurrentRequestsShareABatchAndStillGetTheirSoloSamples() throws Exception {
        List<byte[]> pngs = List.of(
                ChatBodies.scenePng(10), ChatBodies.scenePng(11), ChatBodies.scenePng(12), ChatBodies.scenePng(13));
        List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
        BatchingSampler.Stats before = server.sampler().stats();
        // the decoder waits while the lock is held (as during a weights swap), so all five line up
        server.loadedPolicy().holding(() -> {
            for (int i = 0; i < pngs.size(); i++) {
                pending.add(postAsync("/v1/chat/completions", ChatBodies.body(pngs.get(i), 4, 0.8, 40, 100 + i)));
            }
            // another temperature: the sampler cannot decode it in the same batch
            pending.add(postAsync("/v1/chat/completions", ChatBodies.body(pngs.get(0), 4, 1.0, 40, 100)));
            awaitWaiting(5);
        });
        List<JsonNode> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<byte[]>> p : pending) {
            answers.add(json(p.get(60, TimeUnit.SECONDS)));
        }
        BatchingSampler.Stats after = server.sampler().stats();
        assertEquals(2, after.batches() - before.batches(), "four requests in one batch, the fifth alone");
        assertEquals(5, after.requests() - before.requests());
        for (int i = 0; i < pngs.size(); i++) {
            List<SampledCompletion> alone =
                    SAMPLER.sample(v0, pixels(pngs.get(i)), 4, new SamplingSettings(0.8f, 1f, 40, 100 + i));
            // batched logits may differ in the last float bit (SamplerTest): tokens exact, log-probs close
            assertChoicesAre(alone, answers.get(i), 1e-4f);
        }
        assertChoicesAre(
                SAMPLER.sample(v0, pixels(pngs.get(0)), 4, new SamplingSettings(1f, 1f, 40, 100)), answers.get(4), 0f);
    }

    @Test
    void clientsThatAskAgainWhenAnsweredKeepSharingFullBatches() throws Exception {
        // a long wait for company: the decoder waits for all four clients' next requests
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 3);
                PolicyServer s =
                        PolicyServer.start(ServerSettings.defaults(0).withBatching(8, 64, 5_000), p.copy(), "none")) {
            int clients = 4;
            int rounds = 3;
            List<CompletableFuture<Void>> done = new ArrayList<>();
            s.loadedPolicy().holding(() -> {
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    done.add(CompletableFuture.runAsync(() -> {
                        for (int r = 0; r < rounds; r++) {
                            ObjectNode body =
                                    ChatBodies.body(ChatBodies.scenePng(client), 2, 1.0, 20, 10L * r + client);
                            assertEquals(200, uncheckedPost(s, body).statusCode());
                        }
                    }));
                }
                awaitWaiting(s, clients);
            });
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
            BatchingSampler.Stats stats = s.sampler().stats();
            assertEquals(clients * rounds, stats.requests());
            // without the wait a batch starts with the first client back, the rest make another one
            assertEquals(rounds, stats.batches(), "every batch holds all four clients");
        }
    }

    @Test
    void aFullQueueIsAnsweredWith503() throws Exception {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 3);
                PolicyServer small =
                        PolicyServer.start(ServerSettings.defaults(0).withBatching(1, 1, 0), p.copy(), "none")) {
            ObjectNode body = ChatBodies.body(ChatBodies.scenePng(0), 2, 1.0, 10, 1L);
            List<CompletableFuture<HttpResponse<byte[]>>> queued = new ArrayList<>();
            List<HttpResponse<byte[]>> refused = new ArrayList<>();
            small.loadedPolicy().holding(() -> {
                queued.add(postAsync(small, "/v1/chat/completions", body));
                awaitWaiting(small, 1);
                refused.add(postAsync(small, "/v1/chat/completions", body).join());
            });
            assertEquals(503, refused.get(0).statusCode());
            JsonNode error = json(refused.get(0)).get("error");
            assertTrue(error.get("message").asText().contains("--max-queue 1"), error.toString());
            assertEquals(503, error.get("code").asInt());
            assertEquals(200, queued.get(0).get(60, TimeUnit.SECONDS).statusCode(), "the queued one is served");
        }
    }

    // ------------------------------------------------------------------ weights updates

    @Test
    void anUpdateFromTheWeightsDirSwapsTheVersionAndARetryChangesNothing() throws Exception {
        try (Policy base = Policy.initialise(PolicyConfig.tiny(), 21);
                Policy v1 = Policy.initialise(PolicyConfig.tiny(), 22);
                PolicyServer s = PolicyServer.start(
                        ServerSettings.defaults(0).withWeights(weightsDir, null), base.copy(), sha(base))) {
            v1.setVersion(1);
            Path file = Files.write(weightsDir.resolve("policy-v1-" + System.nanoTime() + ".ckpt"), v1.toBytes());
            byte[] png = ChatBodies.scenePng(7);
            ObjectNode chat = ChatBodies.body(png, 3, 1.0, 30, 9L);
            assertEquals(
                    "0",
                    post(s, "/v1/chat/completions", chat)
                            .headers()
                            .firstValue(PolicyServer.VERSION_HEADER)
                            .orElseThrow());

            HttpResponse<byte[]> update = post(s, "/update_weights_from_disk", update(file, null));
            JsonNode u = json(update);
            assertEquals(200, update.statusCode(), u.toString());
            assertTrue(u.get("success").asBoolean());
            assertEquals(1, u.get("dipr1_policy_version").asLong());
            assertEquals("loaded version 1", u.get("message").asText());

            HttpResponse<byte[]> after = post(s, "/v1/chat/completions", chat);
            assertEquals(
                    "1", after.headers().firstValue(PolicyServer.VERSION_HEADER).orElseThrow());
            assertChoicesAre(SAMPLER.sample(v1, pixels(png), 3, new SamplingSettings(1f, 1f, 30, 9L)), json(after), 0f);

            JsonNode retry = json(post(s, "/update_weights_from_disk", update(file, null)));
            assertTrue(retry.get("success").asBoolean(), retry.toString());
            assertTrue(retry.get("message").asText().contains("already serving version 1"));

            // an older version is refused, the served one stays
            Path old = Files.write(weightsDir.resolve("policy-old-" + System.nanoTime() + ".ckpt"), base.toBytes());
            HttpResponse<byte[]> older = post(s, "/update_weights_from_disk", update(old, null));
            assertEquals(400, older.statusCode());
            assertFalse(json(older).get("success").asBoolean());
            assertTrue(
                    json(older).get("message").asText().contains("not newer"),
                    json(older).toString());
            assertEquals(1, s.policyVersion());

            // weight_version renumbers: the same weights as version 5
            JsonNode renumbered = json(post(s, "/update_weights_from_disk", update(file, "5")));
            assertTrue(renumbered.get("success").asBoolean(), renumbered.toString());
            assertEquals(5, s.policyVersion());
        }
    }

    @Test
    void badUpdatesAreRefusedWithSuccessFalseAndTheServedVersionKept() throws Exception {
        long served = server.policyVersion();
        Path outside = Files.write(root.resolve("outside.ckpt"), v0.toBytes());
        assertRefused(update(outside, "9"), "outside the weights directory");
        assertRefused(update(weightsDir.resolve("missing.ckpt"), "9"), "does not exist");
        Path garbage = Files.write(weightsDir.resolve("garbage.ckpt"), new byte[] {1, 2, 3});
        assertRefused(update(garbage, "9"), "cannot load");
        ObjectNode wrongHash = update(weightsDir.resolve("policy-v0.ckpt"), "9").put("dipr1_sha256", "0".repeat(64));
        assertRefused(wrongHash, "integrity");
        assertRefused(update(weightsDir.resolve("policy-v0.ckpt"), String.valueOf(Long.MAX_VALUE)), "plausible jump");
        assertRefused(ChatBodies.JSON.createObjectNode().put("model_path", "relative.ckpt"), "absolute");
        try (Policy other = Policy.initialise(new PolicyConfig(64, 8, 4, 32, 2, 64, 1, 2, 96), 1)) {
            Path otherShape = Files.write(weightsDir.resolve("other-shape.ckpt"), other.toBytes());
            assertRefused(update(otherShape, "9"), "cannot load");
        }
        assertEquals(served, server.policyVersion());
    }

    @Test
    void aPolicyUpdateFromTheTopicIsServedWhenItsBytesCheckOut() throws Exception {
        try (Policy base = Policy.initialise(PolicyConfig.tiny(), 41);
                Policy v6 = Policy.initialise(PolicyConfig.tiny(), 42);
                PolicyServer s = PolicyServer.start(
                        ServerSettings.defaults(0).withWeights(weightsDir, null), base.copy(), sha(base))) {
            Path elsewhere = Files.createDirectories(root.resolve("elsewhere-" + System.nanoTime()));
            dev.dipr1.schemas.PolicyUpdate outside =
                    PolicyUpdates.create(v6.toBytes(), "dipr1-policy/1", 6, 6, 0, elsewhere, 0);
            assertTrue(s.follow(outside).orElseThrow().contains("outside"), "by URI only inside --weights-dir");
            dev.dipr1.schemas.PolicyUpdate tampered =
                    PolicyUpdates.create(v6.toBytes(), "dipr1-policy/1", 6, 6, 1 << 24, weightsDir, 0);
            tampered.setSha256("0".repeat(64));
            assertTrue(s.follow(tampered).orElseThrow().contains("integrity"));
            assertEquals(0, s.policyVersion());

            dev.dipr1.schemas.PolicyUpdate byUri =
                    PolicyUpdates.create(v6.toBytes(), "dipr1-policy/1", 6, 6, 0, weightsDir, 0);
            assertEquals(java.util.Optional.empty(), s.follow(byUri));
            assertEquals(6, s.policyVersion());
            assertEquals(java.util.Optional.empty(), s.follow(byUri), "the served version again changes nothing");
        }
    }

    @Test
    void withAPolicyKeyOnlyUpdatesSignedByItAreLoaded() throws Exception {
        PolicyKey key = PolicyKey.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        PolicyKey other = PolicyKey.of("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));
        try (Policy base = Policy.initialise(PolicyConfig.tiny(), 31);
                Policy v2 = Policy.initialise(PolicyConfig.tiny(), 32);
                PolicyServer s = PolicyServer.start(
                        ServerSettings.defaults(0).withWeights(weightsDir, key), base.copy(), sha(base))) {
            byte[] bytes = v2.toBytes();
            Path file = Files.write(weightsDir.resolve("signed-v2-" + System.nanoTime() + ".ckpt"), bytes);
            String sha = PolicyUpdates.sha256(bytes);
            ObjectNode unsigned = update(file, "2");
            JsonNode refused = json(post(s, "/update_weights_from_disk", unsigned));
            assertFalse(refused.get("success").asBoolean());
            assertTrue(refused.get("message").asText().contains("dipr1_policy_hmac"), refused.toString());

            ObjectNode forged = update(file, "2").put("dipr1_sha256", sha);
            forged.put("dipr1_policy_hmac", other.mac(record(2, sha)));
            JsonNode notOurs = json(post(s, "/update_weights_from_disk", forged));
            assertFalse(notOurs.get("success").asBoolean());
            assertTrue(notOurs.get("message").asText().contains("does not match"), notOurs.toString());
            assertEquals(0, s.policyVersion());

            ObjectNode signed = update(file, "2").put("dipr1_sha256", sha);
            signed.put("dipr1_policy_hmac", key.mac(record(2, sha)));
            JsonNode loaded = json(post(s, "/update_weights_from_disk", signed));
            assertTrue(loaded.get("success").asBoolean(), loaded.toString());
            assertEquals(2, s.policyVersion());
        }
    }

    // ------------------------------------------------------------------ errors and the other routes

    @Test
    void badRequestsAre400sThatNameTheField() throws Exception {
        HttpResponse<byte[]> notJson = post("/v1/chat/completions", "{\"model\":".getBytes(StandardCharsets.UTF_8));
        assertError(notJson, 400, null, "not valid JSON");

        ObjectNode noImage = ChatBodies.body(ChatBodies.scenePng(0), 2, 1.0, 10, 1L);
        ((com.fasterxml.jackson.databind.node.ArrayNode)
                        noImage.get("messages").get(0).get("content"))
                .remove(1);
        assertError(post("/v1/chat/completions", noImage), 400, "messages", "image_url");

        assertError(
                post("/v1/chat/completions", ChatBodies.body(ChatBodies.scenePng(0), 0, 1.0, 10, 1L)),
                400,
                "n",
                "n must");
        assertError(
                post("/v1/chat/completions", ChatBodies.body(ChatBodies.scenePng(0), 65, 1.0, 10, 1L)),
                400,
                "n",
                "[1, 64]");
        assertError(
                post(
                        "/v1/chat/completions",
                        ChatBodies.body(ChatBodies.scenePng(0), 2, 1.0, 10, 1L).put("model", "gpt")),
                404,
                "model",
                "gpt");
        assertError(get("/v1/chat/completions"), 405, null, "POST");
        assertError(post("/v1/load_lora_adapter", ChatBodies.JSON.createObjectNode()), 404, null, "no route");
    }

    @Test
    void aBodyOverTheBoundIsA413() throws Exception {
        try (Policy p = Policy.initialise(PolicyConfig.tiny(), 3);
                PolicyServer small = PolicyServer.start(
                        new ServerSettings(
                                "dipr1-policy",
                                "127.0.0.1",
                                0,
                                8,
                                8,
                                0,
                                8,
                                1000,
                                500,
                                PngImages.MAX_PIXELS,
                                null,
                                null,
                                10),
                        p.copy(),
                        "none")) {
            HttpResponse<byte[]> big =
                    post(small, "/v1/chat/completions", ChatBodies.body(ChatBodies.scenePng(0), 2, 1.0, 10, 1L));
            assertEquals(413, big.statusCode());
        }
    }

    @Test
    void modelsAndHealthAnswer() throws Exception {
        JsonNode models = json(get("/v1/models"));
        assertEquals("list", models.get("object").asText());
        assertEquals("dipr1-policy", models.get("data").get(0).get("id").asText());
        assertEquals("dipr1", models.get("data").get(0).get("owned_by").asText());
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void stoppingFinishesTheRequestInProgressThenRefusesConnections() throws Exception {
        Policy p = Policy.initialise(PolicyConfig.tiny(), 3);
        PolicyServer s = PolicyServer.start(ServerSettings.defaults(0), p, "none");
        List<CompletableFuture<HttpResponse<byte[]>>> inFlight = new ArrayList<>();
        Thread stopper = new Thread(s::close);
        s.loadedPolicy().holding(() -> {
            inFlight.add(postAsync(s, "/v1/chat/completions", ChatBodies.body(ChatBodies.scenePng(0), 2, 1.0, 10, 1L)));
            awaitWaiting(s, 1);
            stopper.start();
            sleep(300); // close() is now waiting for the exchange in progress
        });
        assertEquals(200, inFlight.get(0).get(60, TimeUnit.SECONDS).statusCode());
        stopper.join(30_000);
        assertFalse(stopper.isAlive());
        assertThrows(ConnectException.class, () -> get(s, "/health"));
    }

    // ------------------------------------------------------------------ helpers

    private static float[] pixels(byte[] png) throws IOException {
        return Scene.pixelsChw(
                ImageResizer.toSquare(PngImages.read(ByteBuffer.wrap(png), null, PngImages.MAX_PIXELS), 64));
    }

    private static void assertChoicesAre(List<SampledCompletion> expected, JsonNode response, float logProbTolerance) {
        JsonNode choices = response.get("choices");
        assertEquals(expected.size(), choices.size(), response.toString());
        for (int i = 0; i < expected.size(); i++) {
            SampledCompletion e = expected.get(i);
            JsonNode c = choices.get(i);
            assertArrayEquals(e.tokenIds(), ints(c.get("token_ids")), "choice " + i);
            assertEquals(e.text(), c.get("message").get("content").asText());
            assertEquals(
                    e.finishReason() == FinishReason.EOS ? "stop" : "length",
                    c.get("finish_reason").asText());
            JsonNode content = c.get("logprobs").get("content");
            float[] logps = new float[content.size()];
            for (int t = 0; t < logps.length; t++) {
                logps[t] = (float) content.get(t).get("logprob").asDouble();
            }
            assertArrayEquals(e.logProbs(), logps, logProbTolerance, "choice " + i);
        }
    }

    private static void assertRefused(ObjectNode body, String why) throws Exception {
        HttpResponse<byte[]> r = post("/update_weights_from_disk", body);
        JsonNode j = json(r);
        assertEquals(400, r.statusCode(), j.toString());
        assertFalse(j.get("success").asBoolean());
        assertTrue(j.get("message").asText().contains(why), why + ": " + j);
    }

    private static void assertError(HttpResponse<byte[]> r, int status, String param, String message)
            throws IOException {
        JsonNode error = json(r).get("error");
        assertEquals(status, r.statusCode(), error.toString());
        assertEquals(status, error.get("code").asInt());
        assertTrue(error.get("message").asText().contains(message), error.toString());
        if (param != null) {
            assertEquals(param, error.get("param").asText());
        }
    }

    private static ObjectNode update(Path file, String version) {
        ObjectNode b = ChatBodies.JSON.createObjectNode().put("model_path", file.toString());
        if (version != null) {
            b.put("weight_version", version);
        }
        return b;
    }

    private static dev.dipr1.schemas.PolicyUpdate record(long version, String sha) {
        return dev.dipr1.schemas.PolicyUpdate.newBuilder()
                .setVersion(version)
                .setStep(0)
                .setCheckpointFormat("x")
                .setSha256(sha)
                .setSizeBytes(0)
                .setCreatedAtMs(java.time.Instant.EPOCH)
                .build();
    }

    private static String sha(Policy p) {
        return PolicyUpdates.sha256(p.toBytes());
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return ChatBodies.JSON.readTree(r.body());
    }

    private static HttpResponse<byte[]> post(String path, ObjectNode body) throws IOException, InterruptedException {
        return post(server, path, body);
    }

    private static HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
        return CLIENT.send(
                request(server, path)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> post(PolicyServer s, String path, ObjectNode body)
            throws IOException, InterruptedException {
        return CLIENT.send(
                request(s, path)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(ChatBodies.bytes(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> uncheckedPost(PolicyServer s, ObjectNode body) {
        try {
            return post(s, "/v1/chat/completions", body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<HttpResponse<byte[]>> postAsync(String path, ObjectNode body) {
        return postAsync(server, path, body);
    }

    private static CompletableFuture<HttpResponse<byte[]>> postAsync(PolicyServer s, String path, ObjectNode body) {
        return CLIENT.sendAsync(
                request(s, path)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(ChatBodies.bytes(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return get(server, path);
    }

    private static HttpResponse<byte[]> get(PolicyServer s, String path) throws IOException, InterruptedException {
        return CLIENT.send(request(s, path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder request(PolicyServer s, String path) {
        return HttpRequest.newBuilder(URI.create(s.baseUri() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
    }

    private static void awaitWaiting(int n) {
        awaitWaiting(server, n);
    }

    /** Waits until {@code n} requests wait for the decoder of {@code s}. */
    private static void awaitWaiting(PolicyServer s, int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (s.sampler().waitingRequests() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(s.sampler().waitingRequests() + " requests waiting, expected " + n);
            }
            sleep(5);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
