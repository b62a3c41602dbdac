package dev.dipr1.generator.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * The body of {@code POST /v1/chat/completions} for one group (pure): one user message holding the
 * question text and the image as a base64 PNG data URL; {@code n = G} completions sampled with the
 * group's temperature, top-p, token budget and seed; per-token log-probs with the token ids (vLLM's
 * {@code return_tokens_as_token_ids}, which writes each token as {@code token_id:N}, and {@code
 * return_token_ids}, which adds {@code choices[i].token_ids} and the {@code prompt_token_ids}).
 */
public final class ChatRequest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatRequest() {}

    /**
     * The request's JSON.
     *
     * @param png the image the policy sees, PNG-encoded
     * @param n G, completions wanted
     * @param seed the group's sampler seed: the same seed gives the same completions
     */
    public static byte[] body(
            String model, String text, byte[] png, int n, float temperature, float topP, int maxTokens, long seed) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        ArrayNode content =
                root.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", text);
        content.addObject()
                .put("type", "image_url")
                .putObject("image_url")
                .put("url", "data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        root.put("n", n);
        root.put("temperature", temperature);
        root.put("top_p", topP);
        root.put("max_tokens", maxTokens);
        root.put("seed", seed);
        root.put("logprobs", true);
        root.put("return_tokens_as_token_ids", true);
        root.put("return_token_ids", true);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }
}
