package dev.dipr1.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.policy.PolicyConfig;
import dev.dipr1.policy.SamplingSettings;
import java.util.OptionalLong;

/**
 * A {@code POST /v1/chat/completions} body, parsed and checked: every missing or wrong field is a
 * 400 whose message names it. The subset served is what the OpenAI engine sends (see the issue-12
 * contract): one user turn with the question text and exactly one image, {@code n}, {@code
 * temperature}, {@code top_p}, {@code max_tokens} (or {@code max_completion_tokens}), {@code seed},
 * {@code logprobs} and vLLM's {@code return_tokens_as_token_ids} / {@code return_token_ids}.
 * Options that would change the samples and are not implemented ({@code stream}, {@code stop},
 * {@code top_logprobs}, penalties, {@code logit_bias}, tools) are refused rather than ignored; other
 * fields are ignored. The text is checked to be there and otherwise ignored: the DJL policy has
 * one fixed prompt ({@code Tokenizer.promptIds()}), which is what {@code prompt_token_ids} reports.
 *
 * @param n completions to sample
 * @param sampling temperature, top-p, the token budget (the request's, at most what the model
 *     holds after the prompt — the sampler's own limit) and the seed
 * @param seeded whether the request gave the seed (else the server drew one)
 * @param logprobs return each token's log-probability
 * @param tokensAsIds write tokens in log-probs as {@code token_id:N} (vLLM)
 * @param returnTokenIds add {@code token_ids} to each choice and {@code prompt_token_ids} (vLLM)
 * @param image the image of the prompt
 */
record ChatRequest(
        int n,
        SamplingSettings sampling,
        boolean seeded,
        boolean logprobs,
        boolean tokensAsIds,
        boolean returnTokenIds,
        DataUrlImage image) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses {@code body}.
     *
     * @param modelBudget the most completion tokens the model holds after its prompt
     * @param randomSeed the seed when the request has none
     */
    static ChatRequest parse(byte[] body, ServerSettings settings, int modelBudget, long randomSeed) throws ApiError {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ApiError.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiError.badRequest(null, "the body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest(null, "the body must be a JSON object");
        }
        String model = text(root, "model", "model");
        if (model == null) {
            throw ApiError.badRequest("model", "model is required; this server serves " + settings.model());
        }
        if (!model.equals(settings.model())) {
            throw ApiError.notFound(
                    "model", "the model " + model + " does not exist; this server serves " + settings.model());
        }
        refuseUnsupported(root);
        DataUrlImage image = image(root.get("messages"), settings.maxImageBytes());

        int n = integer(root, "n", 1, 1, settings.maxN());
        double temperature = number(root, "temperature", SamplingSettings.DEFAULT_TEMPERATURE);
        if (!(temperature > 0 && temperature <= SamplingSettings.MAX_TEMPERATURE)) {
            throw ApiError.badRequest(
                    "temperature",
                    "temperature must be in (0, " + SamplingSettings.MAX_TEMPERATURE + "], was " + temperature
                            + " (greedy decoding, temperature 0, is not served)");
        }
        double topP = number(root, "top_p", SamplingSettings.DEFAULT_TOP_P);
        if (!(topP > 0 && topP <= 1)) {
            throw ApiError.badRequest("top_p", "top_p must be in (0, 1], was " + topP);
        }
        int maxTokens = maxTokens(root, modelBudget);
        OptionalLong seed = seed(root);
        SamplingSettings sampling =
                new SamplingSettings((float) temperature, (float) topP, maxTokens, seed.orElse(randomSeed));
        return new ChatRequest(
                n,
                sampling,
                seed.isPresent(),
                bool(root, "logprobs"),
                bool(root, "return_tokens_as_token_ids"),
                bool(root, "return_token_ids"),
                image);
    }

    private static void refuseUnsupported(JsonNode root) throws ApiError {
        if (bool(root, "stream")) {
            throw ApiError.badRequest("stream", "stream: true is not supported; ask without streaming");
        }
        JsonNode stop = root.get("stop");
        if (stop != null && !stop.isNull() && !(stop.isArray() && stop.isEmpty())) {
            throw ApiError.badRequest("stop", "stop sequences are not supported; the policy ends with its <eos>");
        }
        JsonNode top = root.get("top_logprobs");
        if (top != null && !top.isNull() && !(top.isIntegralNumber() && top.asLong() == 0)) {
            throw ApiError.badRequest("top_logprobs", "top_logprobs is not supported; use logprobs: true alone");
        }
        for (String penalty : new String[] {"presence_penalty", "frequency_penalty"}) {
            JsonNode p = root.get(penalty);
            if (p != null && !p.isNull() && !(p.isNumber() && p.asDouble() == 0)) {
                throw ApiError.badRequest(penalty, penalty + " is not supported; leave it out or 0");
            }
        }
        for (String field : new String[] {"logit_bias", "tools"}) {
            JsonNode f = root.get(field);
            if (f != null && !f.isNull() && !f.isEmpty()) {
                throw ApiError.badRequest(field, field + " is not supported");
            }
        }
    }

    /** The one image of the messages; the question text must be there too. */
    private static DataUrlImage image(JsonNode messages, int maxImageBytes) throws ApiError {
        if (messages == null || messages.isNull()) {
            throw ApiError.badRequest(
                    "messages", "messages is required: one user message with the question text and " + "one image_url");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("messages", "messages must be a non-empty array");
        }
        String url = null;
        boolean text = false;
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = messages.get(i);
            if (!m.isObject()) {
                throw ApiError.badRequest(at, at + " must be an object with role and content");
            }
            String role = text(m, "role", at + ".role");
            if (!"user".equals(role) && !"system".equals(role)) {
                throw ApiError.badRequest(
                        at + ".role", at + ".role must be user or system (one turn is served), was " + role);
            }
            JsonNode content = m.get("content");
            if (content != null && content.isTextual()) {
                text |= !content.asText().isBlank();
                continue;
            }
            if (content == null || !content.isArray()) {
                throw ApiError.badRequest(at + ".content", at + ".content must be a string or an array of parts");
            }
            for (int j = 0; j < content.size(); j++) {
                String partAt = at + ".content[" + j + "]";
                JsonNode part = content.get(j);
                String type = part.isObject() ? text(part, "type", partAt + ".type") : null;
                if ("text".equals(type)) {
                    String t = text(part, "text", partAt + ".text");
                    if (t == null) {
                        throw ApiError.badRequest(partAt + ".text", partAt + ".text must be a string");
                    }
                    text |= !t.isBlank();
                } else if ("image_url".equals(type)) {
                    if (!"user".equals(role)) {
                        throw ApiError.badRequest(partAt, "the image must be in the user message");
                    }
                    JsonNode imageUrl = part.get("image_url");
                    String u = imageUrl == null || !imageUrl.isObject()
                            ? null
                            : text(imageUrl, "url", partAt + ".image_url.url");
                    if (u == null) {
                        throw ApiError.badRequest(
                                partAt + ".image_url.url", partAt + ".image_url.url must be a data: URL string");
                    }
                    if (url != null) {
                        throw ApiError.badRequest(
                                "messages", "exactly one image is served per request; found a second at " + partAt);
                    }
                    url = u;
                } else {
                    throw ApiError.badRequest(
                            partAt + ".type", partAt + ".type must be text or image_url, was " + type);
                }
            }
        }
        if (url == null) {
            throw ApiError.badRequest("messages", "messages hold no image_url part: the policy needs the image");
        }
        if (!text) {
            throw ApiError.badRequest("messages", "messages hold no question text (the DIP-R1 question template)");
        }
        return DataUrlImage.parse(url, maxImageBytes);
    }

    private static int maxTokens(JsonNode root, int modelBudget) throws ApiError {
        int budget = Math.min(PolicyConfig.MAX_SEQ_LEN, modelBudget);
        int maxTokens = integer(root, "max_tokens", budget, 1, PolicyConfig.MAX_SEQ_LEN);
        int completion = integer(root, "max_completion_tokens", maxTokens, 1, PolicyConfig.MAX_SEQ_LEN);
        if (present(root, "max_tokens") && present(root, "max_completion_tokens") && completion != maxTokens) {
            throw ApiError.badRequest(
                    "max_completion_tokens",
                    "max_tokens=" + maxTokens + " and max_completion_tokens=" + completion + " disagree; give one");
        }
        // the sampler stops at the model's budget whatever is asked; asking for more is not an error
        return Math.min(completion, budget);
    }

    private static OptionalLong seed(JsonNode root) throws ApiError {
        JsonNode s = root.get("seed");
        if (s == null || s.isNull()) {
            return OptionalLong.empty();
        }
        if (!s.isIntegralNumber() || !s.canConvertToLong()) {
            throw ApiError.badRequest("seed", "seed must be an integer of 64 bits, was " + s);
        }
        return OptionalLong.of(s.asLong());
    }

    private static boolean present(JsonNode root, String field) {
        JsonNode f = root.get(field);
        return f != null && !f.isNull();
    }

    private static String text(JsonNode node, String field, String param) throws ApiError {
        JsonNode f = node.get(field);
        if (f == null || f.isNull()) {
            return null;
        }
        if (!f.isTextual()) {
            throw ApiError.badRequest(param, param + " must be a string, was " + f);
        }
        return f.asText();
    }

    private static int integer(JsonNode root, String field, int absent, int min, int max) throws ApiError {
        JsonNode f = root.get(field);
        if (f == null || f.isNull()) {
            return absent;
        }
        if (!f.isIntegralNumber() || !f.canConvertToInt() || f.asInt() < min || f.asInt() > max) {
            throw ApiError.badRequest(field, field + " must be an integer in [" + min + ", " + max + "], was " + f);
        }
        return f.asInt();
    }

    private static double number(JsonNode root, String field, double absent) throws ApiError {
        JsonNode f = root.get(field);
        if (f == null || f.isNull()) {
            return absent;
        }
        if (!f.isNumber()) {
            throw ApiError.badRequest(field, field + " must be a number, was " + f);
        }
        return f.asDouble();
    }

    private static boolean bool(JsonNode root, String field) throws ApiError {
        JsonNode f = root.get(field);
        if (f == null || f.isNull()) {
            return false;
        }
        if (!f.isBoolean()) {
            throw ApiError.badRequest(field, field + " must be true or false, was " + f);
        }
        return f.asBoolean();
    }

    /** Requests that may share one decoding batch: the sampler needs one n, temperature, top-p and budget. */
    boolean batchesWith(ChatRequest other) {
        return n == other.n
                && sampling.temperature() == other.sampling.temperature()
                && sampling.topP() == other.sampling.topP()
                && sampling.maxTokens() == other.sampling.maxTokens();
    }
}
