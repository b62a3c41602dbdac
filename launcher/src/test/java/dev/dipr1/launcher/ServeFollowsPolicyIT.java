package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.dipr1.schemas.PolicyUpdate;
import dev.dipr1.server.PolicyServer;
import dev.dipr1.topics.ClientSettings;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.PolicyUpdates;
import dev.dipr1.topics.TopicCatalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code dipr1 serve --follow-policy}: the server follows the policy topic like a generator — an
 * unsigned update is not served, the learner's signed one (by URI in the weights directory) is, and
 * the answers then come from its weights.
 */
class ServeFollowsPolicyIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theServerServesTheNewestSignedVersionOfThePolicyTopic(@TempDir Path dir) throws Exception {
        Path weights = Files.createDirectories(dir.resolve("policies"));
        Path keyFile = Files.writeString(dir.resolve("policy.key"), "0123456789abcdef0123456789abcdef");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        PolicyKey key = PolicyKey.read(keyFile);
        Path checkpoint = dir.resolve("v0.ckpt");
        TinyCheckpoint.write(checkpoint, 1);
        String prefix = "serve-follow-" + System.nanoTime() + ".";
        ServeCommand command = new ServeCommand();
        new CommandLine(command)
                .parseArgs(
                        "--checkpoint",
                        checkpoint.toString(),
                        "--port",
                        "0",
                        "--weights-dir",
                        weights.toString(),
                        "--policy-key",
                        keyFile.toString(),
                        "--follow-policy",
                        "--bootstrap-servers",
                        KafkaTestCluster.bootstrapServers(),
                        "--topic-prefix",
                        prefix);
        ClientSettings kafka = ClientSettings.of(KafkaTestCluster.bootstrapServers());
        TopicCatalog catalog = TopicCatalog.withPrefix(prefix);
        try (PolicyServer server = command.open();
                PolicyFollower follower = command.follow(server);
                Policy v3 = Policy.initialise(PolicyConfig.tiny(), 3);
                Policy v4 = Policy.initialise(PolicyConfig.tiny(), 4);
                KafkaProducer<String, PolicyUpdate> producer = new KafkaProducer<>(
                        kafka.asMap(),
                        catalog.policy().keySerde().serializer(),
                        catalog.policy().valueSerde().serializer())) {
            // not from the learner: no MAC
            PolicyUpdate unsigned = PolicyUpdates.create(v3.toBytes(), "dipr1-policy/1", 3, 3, 1 << 24, weights, 0);
            producer.send(new ProducerRecord<>(catalog.policy().name(), TopicCatalog.policyKey(), unsigned))
                    .get(30, TimeUnit.SECONDS);
            Thread.sleep(3_000);
            assertEquals(0, server.policyVersion(), "an unsigned update is not served");

            // the learner's: signed, written to the weights directory (inline limit 0)
            PolicyUpdate signed = PolicyUpdates.create(v4.toBytes(), "dipr1-policy/1", 4, 4, 0, weights, 0);
            ProducerRecord<String, PolicyUpdate> record =
                    new ProducerRecord<>(catalog.policy().name(), TopicCatalog.policyKey(), signed);
            key.sign(signed, record.headers());
            producer.send(record).get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.policyVersion() != 4 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(4, server.policyVersion());

            Scene scene = SyntheticScenes.generate(Split.IN_DOMAIN, 2L, 0);
            JsonNode answer = chat(server, PngImages.encode(scene.image()));
            List<SampledCompletion> expected =
                    new Sampler().sample(v4, scene.pixelsChw(), 3, new SamplingSettings(1f, 1f, 30, 55L));
            for (int i = 0; i < 3; i++) {
                JsonNode ids = answer.get("choices").get(i).get("token_ids");
                int[] got = new int[ids.size()];
                for (int t = 0; t < got.length; t++) {
                    got[t] = ids.get(t).asInt();
                }
                assertArrayEquals(expected.get(i).tokenIds(), got, "choice " + i + " comes from v4");
            }
        }
    }

    private static JsonNode chat(PolicyServer server, byte[] png) throws Exception {
        String body = "{\"model\": \"dipr1-policy\", \"messages\": [{\"role\": \"user\", \"content\": ["
                + "{\"type\": \"text\", \"text\": \"Detect every person.\"},"
                + "{\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(png) + "\"}}]}],"
                + " \"n\": 3, \"temperature\": 1.0, \"max_tokens\": 30, \"seed\": 55, \"return_token_ids\": true}";
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.baseUri() + "/v1/chat/completions"))
                                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("4", r.headers().firstValue(PolicyServer.VERSION_HEADER).orElseThrow());
        return JSON.readTree(r.body());
    }
}
