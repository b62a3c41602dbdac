package dev.dipr1.generator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dipr1.schemas.PolicyUpdate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The weights-update calls as a server receives them: SGLang's and dipr1 serve's {@code
 * update_weights_from_disk} and vLLM's {@code load_lora_adapter}, recorded by a JDK HTTP server that
 * answers as those servers do.
 */
class WeightsSyncTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Call(String path, JsonNode body) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** A server answering every POST with {@code answer.apply(path)}: status and body. */
    private ServerCalls serve(Function<String, Object[]> answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            calls.add(new Call(
                    ex.getRequestURI().getPath(),
                    JSON.readTree(ex.getRequestBody().readAllBytes())));
            Object[] a = answer.apply(ex.getRequestURI().getPath());
            byte[] body = ((String) a[1]).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders((Integer) a[0], body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return new ServerCalls(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static PolicyUpdate update(long version) {
        return PolicyUpdate.newBuilder()
                .setVersion(version)
                .setStep(version * 10)
                .setCheckpointFormat("dipr1-policy/1")
                .setSha256("ab".repeat(32))
                .setSizeBytes(3)
                .setWeights(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setWeightsUri(null)
                .setCreatedAtMs(Instant.EPOCH)
                .build();
    }

    @Test
    void diskSendsThePathVersionHashAndMacAndNeedsSuccess() throws Exception {
        ServerCalls calls0 =
                serve(p -> new Object[] {200, "{\"success\":true,\"message\":\"loaded\",\"dipr1_policy_version\":7}"});
        WeightsSync.Disk disk = new WeightsSync.Disk(calls0);

        String model = disk.load(update(7), Path.of("/w/served-v7.ckpt"), "c0ffee", "dipr1-policy");

        assertEquals("dipr1-policy", model, "the model name stays");
        Call c = calls.get(0);
        assertEquals("/update_weights_from_disk", c.path());
        assertEquals("/w/served-v7.ckpt", c.body().get("model_path").asText());
        assertEquals("7", c.body().get("weight_version").asText());
        assertEquals("ab".repeat(32), c.body().get("dipr1_sha256").asText());
        assertEquals("c0ffee", c.body().get("dipr1_policy_hmac").asText());
    }

    @Test
    void diskRefusalsAndAnotherLoadedVersionAreFailures() throws Exception {
        ServerCalls refusing = serve(p -> new Object[] {400, "{\"success\":false,\"message\":\"sha256 differs\"}"});
        WeightsSync.Disk disk = new WeightsSync.Disk(refusing);
        String m = assertThrows(IOException.class, () -> disk.load(update(7), Path.of("/w/a"), null, "m"))
                .getMessage();
        assertTrue(m.contains("sha256 differs"), m);
        assertFalse(calls.get(0).body().has("dipr1_policy_hmac"), "no MAC field for an unsigned update");
        stop();

        WeightsSync.Disk other =
                new WeightsSync.Disk(serve(p -> new Object[] {200, "{\"success\":true,\"dipr1_policy_version\":6}"}));
        assertTrue(assertThrows(IOException.class, () -> other.load(update(7), Path.of("/w/a"), null, "m"))
                .getMessage()
                .contains("v6, not v7"));
        stop();

        WeightsSync.Disk unsure = new WeightsSync.Disk(serve(p -> new Object[] {200, "{\"success\":false}"}));
        assertThrows(IOException.class, () -> unsure.load(update(7), Path.of("/w/a"), null, "m"));
    }

    @Test
    void loraLoadsTheAdapterDirectoryUnderAVersionedNameAndUnloadsThePreviousOne() throws Exception {
        WeightsSync.Lora lora = new WeightsSync.Lora(
                serve(p -> new Object[] {200, "Success: LoRA adapter added successfully."}), "qwen-grpo");

        String first = lora.load(update(3), Path.of("/w/v3/adapter_model.safetensors"), null, "qwen-grpo");
        String second = lora.load(update(4), Path.of("/w/v4/adapter_model.safetensors"), null, first);

        assertEquals("qwen-grpo-v3", first);
        assertEquals("qwen-grpo-v4", second);
        assertEquals(
                List.of("/v1/load_lora_adapter", "/v1/load_lora_adapter", "/v1/unload_lora_adapter"),
                calls.stream().map(Call::path).toList(),
                "nothing to unload before the first adapter");
        assertEquals("qwen-grpo-v4", calls.get(1).body().get("lora_name").asText());
        assertEquals("/w/v4", calls.get(1).body().get("lora_path").asText());
        assertEquals("qwen-grpo-v3", calls.get(2).body().get("lora_name").asText());
    }

    @Test
    void aServerWithoutLoraSupportIsAFailure() throws Exception {
        WeightsSync.Lora lora = new WeightsSync.Lora(
                serve(p -> new Object[] {404, "{\"error\":{\"message\":\"no route /v1/load_lora_adapter\"}}"}), "m");
        String m = assertThrows(IOException.class, () -> lora.load(update(1), Path.of("/w/v1/a"), null, "m"))
                .getMessage();
        assertTrue(m.contains("404") && m.contains("no route"), m);
    }
}
