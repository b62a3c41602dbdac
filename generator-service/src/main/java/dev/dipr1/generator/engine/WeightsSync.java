package dev.dipr1.generator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.schemas.PolicyUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an external inference server to serve a new policy version and confirms that it did. The
 * engine calls it only between batches (no request of its own in flight) and stamps groups with the
 * new version only after {@link #load} returned; a failure leaves the server's previous version in
 * use, and the engine tries again later.
 */
public interface WeightsSync {

    /** Loading a large model's weights from disk takes a while: far longer than one request. */
    Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Makes the server serve {@code update}, whose verified checkpoint is at {@code checkpoint}.
     *
     * @param hmac the learner's MAC of the update, null when unsigned
     * @param model the model name requests use now
     * @return the model name requests use from now on
     * @throws IOException the server did not confirm: the message says why
     */
    String load(PolicyUpdate update, Path checkpoint, String hmac, String model)
            throws IOException, InterruptedException;

    /**
     * SGLang's {@code POST /update_weights_from_disk} with {@code model_path} and {@code
     * weight_version} (the update's version, as a string like SGLang's), which {@code dipr1 serve}
     * implements too, plus what only it reads: {@code dipr1_sha256} (checked against the file) and
     * {@code dipr1_policy_hmac} (required by a server run with {@code --policy-key}). Confirmed by
     * {@code "success": true}, and when the answer names a {@code dipr1_policy_version}, by that being
     * the update's. The model name stays.
     */
    final class Disk implements WeightsSync {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final ServerCalls server;

        Disk(ServerCalls server) {
            this.server = server;
        }

        @Override
        public String load(PolicyUpdate update, Path checkpoint, String hmac, String model)
                throws IOException, InterruptedException {
            long version = update.getVersion();
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            fields.put("model_path", checkpoint.toAbsolutePath().toString());
            fields.put("weight_version", Long.toString(version));
            fields.put("dipr1_sha256", update.getSha256());
            if (hmac != null) {
                fields.put("dipr1_policy_hmac", hmac);
            }
            byte[] body = JSON.writeValueAsBytes(fields);
            ServerCalls.Answer a = post(server, "/update_weights_from_disk", body);
            if (a.status() != 200) {
                throw new IOException("update_weights_from_disk answered HTTP " + a.status() + ": "
                        + ChatResponse.errorMessage(a.body()));
            }
            JsonNode answer = JSON.readTree(a.body());
            if (answer == null || !answer.path("success").asBoolean(false)) {
                throw new IOException("update_weights_from_disk did not succeed: "
                        + (answer == null
                                ? "empty answer"
                                : answer.path("message").asText(answer.toString())));
            }
            JsonNode loaded = answer.get("dipr1_policy_version");
            if (loaded != null && loaded.asLong(Long.MIN_VALUE) != version) {
                throw new IOException(
                        "update_weights_from_disk loaded policy v" + loaded.asText() + ", not v" + version);
            }
            return model;
        }
    }

    /**
     * vLLM's {@code POST /v1/load_lora_adapter} {@code {"lora_name", "lora_path"}} (the server runs
     * with {@code --enable-lora} and {@code VLLM_ALLOW_RUNTIME_LORA_UPDATING=True}): the adapter of
     * version N is loaded as {@code <base model>-v<N>}, requests name it as their model from then on,
     * and the previous one is unloaded. {@code lora_path} is the directory of the update's weights
     * file: a PEFT adapter directory ({@code adapter_config.json} next to the weights named by the
     * update). Confirmed by HTTP 200.
     */
    final class Lora implements WeightsSync {
        private static final Logger LOG = LoggerFactory.getLogger(Lora.class);
        private static final ObjectMapper JSON = new ObjectMapper();
        private final ServerCalls server;
        private final String baseModel;

        Lora(ServerCalls server, String baseModel) {
            this.server = server;
            this.baseModel = baseModel;
        }

        /** The adapter name of {@code version}. */
        String adapterName(long version) {
            return baseModel + "-v" + version;
        }

        @Override
        public String load(PolicyUpdate update, Path checkpoint, String hmac, String model)
                throws IOException, InterruptedException {
            String name = adapterName(update.getVersion());
            Path dir = checkpoint.toAbsolutePath().getParent();
            byte[] body = JSON.writeValueAsBytes(Map.of("lora_name", name, "lora_path", dir.toString()));
            ServerCalls.Answer a = post(server, "/v1/load_lora_adapter", body);
            if (a.status() != 200) {
                throw new IOException(
                        "load_lora_adapter answered HTTP " + a.status() + ": " + ChatResponse.errorMessage(a.body()));
            }
            if (!model.equals(baseModel)) {
                ServerCalls.Answer u =
                        post(server, "/v1/unload_lora_adapter", JSON.writeValueAsBytes(Map.of("lora_name", model)));
                if (u.status() != 200) {
                    LOG.warn("could not unload the previous adapter {}: HTTP {}", model, u.status());
                }
            }
            return name;
        }
    }

    private static ServerCalls.Answer post(ServerCalls server, String path, byte[] body)
            throws IOException, InterruptedException {
        try {
            return server.post(path, body, LOAD_TIMEOUT);
        } catch (TimeoutException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }
}
