package dev.dipr1.launcher;

import dev.dipr1.generator.engine.EngineSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Which engine a generator samples with, and how it talks to an inference server. */
final class EngineOptions {

    @Option(
            names = "--engine",
            paramLabel = "djl|openai",
            description = "djl: sample with the in-process policy (the default); openai: send each group to the "
                    + "OpenAI-compatible server at --endpoint (vLLM, SGLang, dipr1 serve).")
    String engine = EngineSettings.Kind.DJL.label();

    @Option(
            names = "--endpoint",
            paramLabel = "URL",
            description = "With --engine openai: the server's root URL, e.g. http://localhost:8000 " + "(without /v1).")
    String endpoint;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "With --engine openai: the served model name requests carry "
                    + "(default: ${DEFAULT-VALUE}, what dipr1 serve answers to).")
    String model = EngineSettings.DEFAULT_MODEL;

    @Option(
            names = "--weights-update",
            paramLabel = "none|disk|lora",
            description = "With --engine openai, how a new policy version reaches the server: disk = POST "
                    + "/update_weights_from_disk with the checkpoint's path in --weights-dir (SGLang, dipr1 serve); "
                    + "lora = POST /v1/load_lora_adapter (vLLM); none = the server follows the policy itself "
                    + "(default: ${DEFAULT-VALUE}). Groups carry a version only once the server confirmed it.")
    String weightsUpdate = EngineSettings.WeightsUpdate.NONE.label();

    @Option(
            names = "--max-in-flight",
            paramLabel = "N",
            description = "With --engine openai: the most requests (groups) open at once; at most "
                    + "--prompts-per-batch are sent together (default: ${DEFAULT-VALUE}).")
    int maxInFlight = EngineSettings.DEFAULT_MAX_IN_FLIGHT;

    @Option(
            names = "--request-timeout",
            paramLabel = "SECONDS",
            description = "With --engine openai: how long one request may take, answer included (default: "
                    + "${DEFAULT-VALUE}).")
    long requestTimeoutSeconds = EngineSettings.DEFAULT_REQUEST_TIMEOUT.toSeconds();

    @Option(
            names = "--retries",
            paramLabel = "N",
            description = "With --engine openai: how often a failed request is sent again (back-off from 0.5 s, "
                    + "doubling) before its prompt is dead-lettered (default: ${DEFAULT-VALUE}).")
    int retries = EngineSettings.DEFAULT_RETRIES;

    @Option(
            names = "--tokenizer",
            paramLabel = "policy|server",
            description =
                    "With --engine openai, whose tokenizer made the server's answers: policy = the "
                            + "--checkpoint DJL policy's (dipr1 serve; ids, <eos> and text checked against it, images sent at "
                            + "its input size); server = the served model's own (a real MLLM on vLLM/SGLang: token ids, text "
                            + "and prompt_token_ids taken as sent, images at their own resolution) (default: ${DEFAULT-VALUE}).")
    String tokenizer = EngineSettings.TokenizerSource.POLICY.label();

    @Option(
            names = "--vocab-size",
            paramLabel = "N",
            description = "With --tokenizer server: token ids must be below N (the model's vocabulary size); "
                    + "0, the default, checks only that they are not negative.")
    int vocabSize;

    /** The settings these options give; the record says what is wrong with them, naming the option. */
    EngineSettings settings() {
        URI url = null;
        if (endpoint != null) {
            try {
                url = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--endpoint is not a URL: " + e.getMessage(), e);
            }
        }
        return new EngineSettings(
                EngineSettings.Kind.parse(engine),
                url,
                model,
                EngineSettings.WeightsUpdate.parse(weightsUpdate),
                maxInFlight,
                Duration.ofSeconds(requestTimeoutSeconds),
                retries,
                EngineSettings.TokenizerSource.parse(tokenizer),
                vocabSize);
    }
}
