package dev.dipr1.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.policy.FinishReason;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code chat.completion} object of sampled completions (pure), in vLLM's dialect: each choice
 * has the decoded text, {@code finish_reason} {@code stop} (the policy's {@code <eos>}, which is the
 * last of the choice's tokens and log-probs, as in vLLM) or {@code length}; with {@code logprobs},
 * one entry per token with its behaviour log-probability (the sampler's: the temperature-scaled full
 * distribution) and the token as {@code token_id:N} ({@code return_tokens_as_token_ids}) or as its
 * vocabulary name; with {@code return_token_ids}, the choice's {@code token_ids} and the top-level
 * {@code prompt_token_ids}. {@code usage.completion_tokens} counts the tokens of every choice.
 */
final class ChatResponse {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ChatResponse() {}

    /**
     * @param id the completion id ({@code chatcmpl-…})
     * @param createdSeconds Unix time of the response
     */
    static ObjectNode build(
            String id,
            long createdSeconds,
            String model,
            ChatRequest request,
            int[] promptIds,
            List<SampledCompletion> completions,
            Tokenizer tokenizer) {
        ObjectNode root = F.objectNode();
        root.put("id", id);
        root.put("object", "chat.completion");
        root.put("created", createdSeconds);
        root.put("model", model);
        if (request.returnTokenIds()) {
            root.set("prompt_token_ids", ids(promptIds));
        }
        ArrayNode choices = root.putArray("choices");
        long completionTokens = 0;
        for (int i = 0; i < completions.size(); i++) {
            SampledCompletion c = completions.get(i);
            completionTokens += c.tokenIds().length;
            ObjectNode choice = choices.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.text());
            if (request.logprobs()) {
                choice.putObject("logprobs").set("content", logprobs(c, request.tokensAsIds(), tokenizer));
            } else {
                choice.putNull("logprobs");
            }
            if (request.returnTokenIds()) {
                choice.set("token_ids", ids(c.tokenIds()));
            }
            choice.put("finish_reason", c.finishReason() == FinishReason.EOS ? "stop" : "length");
        }
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", promptIds.length);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptIds.length + completionTokens);
        return root;
    }

    private static ArrayNode logprobs(SampledCompletion c, boolean tokensAsIds, Tokenizer tokenizer) {
        ArrayNode content = F.arrayNode(c.tokenIds().length);
        for (int t = 0; t < c.tokenIds().length; t++) {
            int id = c.tokenIds()[t];
            ObjectNode entry = content.addObject();
            if (tokensAsIds) {
                entry.put("token", "token_id:" + id);
                entry.putNull("bytes");
            } else {
                String name = tokenizer.vocabulary().get(id);
                entry.put("token", name);
                ArrayNode bytes = entry.putArray("bytes");
                for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
                    bytes.add(b & 0xff);
                }
            }
            // the float widened: its double text parses back (as a double, then a float) to exactly it
            entry.put("logprob", (double) c.logProbs()[t]);
            entry.putArray("top_logprobs");
        }
        return content;
    }

    private static ArrayNode ids(int[] ids) {
        ArrayNode a = F.arrayNode(ids.length);
        for (int id : ids) {
            a.add(id);
        }
        return a;
    }
}
