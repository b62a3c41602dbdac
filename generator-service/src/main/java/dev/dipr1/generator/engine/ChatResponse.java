package dev.dipr1.generator.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dipr1.policy.FinishReason;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Tokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and checks a chat completions response (pure). A group is accepted only whole: exactly
 * {@code n} choices with the indexes 0…n−1; per choice the token ids ({@code token_ids}, or else
 * each log-prob entry's {@code token_id:N}; both must agree when both are there), inside the
 * policy's vocabulary, at least one and at most {@code max_tokens}; one finite log-prob ≤ 0 per
 * token; {@code finish_reason} {@code stop} (the tokens end with {@code <eos>}, the only one) or
 * {@code length} (no {@code <eos>}); the text the tokenizer decodes from the ids; and the prompt
 * ids, when the server sends them, those of the policy. Anything else is a {@link
 * MalformedResponseException} saying what: the engine retries the request and never turns it into
 * a completion.
 */
public final class ChatResponse {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String TOKEN_ID = "token_id:";

    private ChatResponse() {}

    /**
     * What a response must agree with.
     *
     * @param n G, the completions asked for
     * @param maxTokens the request's {@code max_tokens}
     * @param tokenizer the policy's vocabulary and decoding
     */
    public record Expected(int n, int maxTokens, Tokenizer tokenizer) {}

    /**
     * A checked group.
     *
     * @param promptIds the prompt the completions continue (the server's, equal to the policy's)
     * @param completions the n completions in index order
     */
    public record Parsed(int[] promptIds, List<SampledCompletion> completions) {}

    /** The group in {@code body}; a {@link MalformedResponseException} says what is wrong with it. */
    public static Parsed parse(byte[] body, Expected expected) throws MalformedResponseException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedResponseException("the response is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedResponseException("the response is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedResponseException("the response is not a JSON object");
        }
        int[] promptIds = expected.tokenizer().promptIds();
        JsonNode prompt = root.get("prompt_token_ids");
        if (prompt != null && !prompt.isNull()) {
            int[] sent = ids(prompt, "prompt_token_ids", expected.tokenizer().vocabSize());
            if (!Arrays.equals(sent, promptIds)) {
                throw new MalformedResponseException("prompt_token_ids " + Arrays.toString(sent)
                        + " are not the policy's prompt " + Arrays.toString(promptIds));
            }
        }
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray()) {
            throw new MalformedResponseException("the response has no choices array");
        }
        if (choices.size() != expected.n()) {
            throw new MalformedResponseException(
                    "expected " + expected.n() + " choices (n), the response has " + choices.size());
        }
        SampledCompletion[] byIndex = new SampledCompletion[expected.n()];
        for (int i = 0; i < choices.size(); i++) {
            JsonNode choice = choices.get(i);
            JsonNode index = choice.get("index");
            if (index == null || !index.canConvertToInt() || !index.isIntegralNumber()) {
                throw new MalformedResponseException("choice " + i + " has no integer index");
            }
            int k = index.intValue();
            if (k < 0 || k >= expected.n()) {
                throw new MalformedResponseException("choice index " + k + " is outside 0.." + (expected.n() - 1));
            }
            if (byIndex[k] != null) {
                throw new MalformedResponseException("choice index " + k + " appears twice");
            }
            byIndex[k] = completion(choice, k, expected);
        }
        return new Parsed(promptIds, List.of(byIndex));
    }

    private static SampledCompletion completion(JsonNode choice, int k, Expected expected)
            throws MalformedResponseException {
        String where = "choice " + k + ": ";
        FinishReason finish = finishReason(choice.get("finish_reason"), where);
        JsonNode logprobs = choice.get("logprobs");
        JsonNode content = logprobs == null ? null : logprobs.get("content");
        if (content == null || !content.isArray()) {
            throw new MalformedResponseException(where + "no logprobs.content array (was logprobs: true sent?)");
        }
        int vocab = expected.tokenizer().vocabSize();
        JsonNode tokenIds = choice.get("token_ids");
        int[] ids = tokenIds != null && !tokenIds.isNull()
                ? ids(tokenIds, where + "token_ids", vocab)
                : idsFromLogprobs(content, where, vocab);
        if (ids.length == 0) {
            throw new MalformedResponseException(where + "no tokens");
        }
        if (ids.length > expected.maxTokens()) {
            throw new MalformedResponseException(
                    where + ids.length + " tokens, more than max_tokens " + expected.maxTokens());
        }
        if (content.size() != ids.length) {
            throw new MalformedResponseException(
                    where + ids.length + " token ids but " + content.size() + " log-probs: one per token");
        }
        float[] logProbs = new float[ids.length];
        for (int t = 0; t < ids.length; t++) {
            JsonNode entry = content.get(t);
            JsonNode token = entry.get("token");
            if (token != null && token.isTextual() && token.textValue().startsWith(TOKEN_ID)) {
                int named = tokenId(token.textValue(), where, vocab);
                if (named != ids[t]) {
                    throw new MalformedResponseException(
                            where + "token " + t + " is " + ids[t] + " in token_ids but " + named + " in logprobs");
                }
            }
            JsonNode lp = entry.get("logprob");
            if (lp == null || !lp.isNumber()) {
                throw new MalformedResponseException(where + "token " + t + " has no numeric logprob");
            }
            float v = (float) lp.doubleValue();
            if (!Float.isFinite(v) || v > 0) {
                throw new MalformedResponseException(
                        where + "log-prob " + lp.asText() + " of token " + t + " is not a finite number <= 0");
            }
            logProbs[t] = v;
        }
        int eos = firstEos(ids);
        if (finish == FinishReason.EOS && eos != ids.length - 1) {
            throw new MalformedResponseException(where + "finish_reason stop but the tokens "
                    + (eos < 0 ? "hold no <eos>" : "hold an <eos> before the last one"));
        }
        if (finish == FinishReason.LENGTH && eos >= 0) {
            throw new MalformedResponseException(where + "finish_reason length but token " + eos + " is <eos>");
        }
        String decoded = expected.tokenizer().decode(ids);
        JsonNode message = choice.get("message");
        JsonNode text = message == null ? null : message.get("content");
        if (text == null || !text.isTextual()) {
            throw new MalformedResponseException(where + "no message.content text");
        }
        if (!text.textValue().equals(decoded)) {
            throw new MalformedResponseException(where + "message.content does not match its token ids");
        }
        return new SampledCompletion(ids, logProbs, decoded, finish);
    }

    private static FinishReason finishReason(JsonNode node, String where) throws MalformedResponseException {
        String reason = node == null || !node.isTextual() ? null : node.textValue();
        if ("stop".equals(reason)) {
            return FinishReason.EOS;
        }
        if ("length".equals(reason)) {
            return FinishReason.LENGTH;
        }
        throw new MalformedResponseException(where + "finish_reason " + (node == null ? "missing" : node.toString())
                + " is neither stop nor length");
    }

    private static int[] ids(JsonNode array, String what, int vocab) throws MalformedResponseException {
        if (!array.isArray()) {
            throw new MalformedResponseException(what + " is not an array");
        }
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = array.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                throw new MalformedResponseException(what + "[" + i + "] = " + id + " is not a token id");
            }
            ids[i] = inVocabulary(id.intValue(), what, vocab);
        }
        return ids;
    }

    private static int[] idsFromLogprobs(JsonNode content, String where, int vocab) throws MalformedResponseException {
        int[] ids = new int[content.size()];
        for (int t = 0; t < ids.length; t++) {
            JsonNode token = content.get(t).get("token");
            if (token == null || !token.isTextual()) {
                throw new MalformedResponseException(where + "log-prob entry " + t + " has no token");
            }
            ids[t] = tokenId(token.textValue(), where, vocab);
        }
        return ids;
    }

    /** {@code token_id:N} (vLLM's return_tokens_as_token_ids) as N. */
    private static int tokenId(String token, String where, int vocab) throws MalformedResponseException {
        if (!token.startsWith(TOKEN_ID)) {
            throw new MalformedResponseException(where + "token " + quoted(token)
                    + " is not token_id:N and there are no token_ids (was return_tokens_as_token_ids sent?)");
        }
        int id;
        try {
            id = Integer.parseInt(token.substring(TOKEN_ID.length()));
        } catch (NumberFormatException e) {
            throw new MalformedResponseException(where + "token " + quoted(token) + " has no integer id");
        }
        return inVocabulary(id, where + "token", vocab);
    }

    private static int inVocabulary(int id, String what, int vocab) throws MalformedResponseException {
        if (id < 0 || id >= vocab) {
            throw new MalformedResponseException(
                    what + " id " + id + " is outside the policy's vocabulary 0.." + (vocab - 1));
        }
        return id;
    }

    private static int firstEos(int[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == Tokenizer.EOS) {
                return i;
            }
        }
        return -1;
    }

    private static String quoted(String s) {
        return "'" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "'";
    }

    /** The error message of an OpenAI error body ({@code {"error": {"message": …}}}), else the body's start. */
    public static String errorMessage(byte[] body) {
        try {
            JsonNode message = JSON.readTree(body).path("error").path("message");
            if (message.isTextual()) {
                return message.textValue();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the raw text
        }
        String raw = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return raw.length() > 200 ? raw.substring(0, 200) + "…" : raw;
    }
}
