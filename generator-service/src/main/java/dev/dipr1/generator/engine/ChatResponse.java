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
 *
 * <p><b>The server's tokenizer</b> ({@code --tokenizer server}, {@link Expected#server}): a real
 * model's vocabulary is not the policy's, so the ids are only checked to be non-negative (and below
 * {@code --vocab-size} when given), {@code finish_reason} is not checked against an {@code <eos>} id,
 * the text is the server's {@code message.content} as sent, and the prompt ids are the server's
 * {@code prompt_token_ids}, which are then required. Everything else is checked as above.
 */
public final class ChatResponse {

    /**
     * Python's json writes a NaN or infinite log-prob as {@code NaN} / {@code -Infinity}: read so, to
     * refuse it for what it is rather than as "not JSON".
     */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final String TOKEN_ID = "token_id:";

    private ChatResponse() {}

    /**
     * What a response must agree with.
     *
     * @param n G, the completions asked for
     * @param maxTokens the request's {@code max_tokens}
     * @param tokenizer the policy's vocabulary and decoding; null when the server's tokenizer is used
     * @param vocabBound token ids must be below it (the policy's vocabulary size, or {@code
     *     --vocab-size}; {@link Integer#MAX_VALUE} when the server's vocabulary size is not given)
     */
    public record Expected(int n, int maxTokens, Tokenizer tokenizer, int vocabBound) {

        public Expected {
            if (vocabBound < 1) {
                throw new IllegalArgumentException("the vocabulary bound must be positive, was " + vocabBound);
            }
        }

        /** Checked against the policy's tokenizer ({@code --tokenizer policy}). */
        public Expected(int n, int maxTokens, Tokenizer tokenizer) {
            this(n, maxTokens, java.util.Objects.requireNonNull(tokenizer, "tokenizer"), tokenizer.vocabSize());
        }

        /**
         * Checked as the server's tokenizer's ({@code --tokenizer server}): ids below {@code
         * vocabSize}, or any non-negative id when it is 0 (not given).
         */
        public static Expected server(int n, int maxTokens, int vocabSize) {
            if (vocabSize < 0) {
                throw new IllegalArgumentException("--vocab-size must not be negative, was " + vocabSize);
            }
            return new Expected(n, maxTokens, null, vocabSize == 0 ? Integer.MAX_VALUE : vocabSize);
        }

        /** Whether the server's tokenizer is trusted for the text and the prompt. */
        public boolean serverTokenizer() {
            return tokenizer == null;
        }

        private String vocabularyName() {
            return serverTokenizer() ? "--vocab-size" : "the policy's vocabulary";
        }
    }

    /**
     * A checked group.
     *
     * @param promptIds the prompt the completions continue (the server's; with the policy's tokenizer
     *     equal to the policy's)
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
        JsonNode prompt = root.get("prompt_token_ids");
        int[] promptIds;
        if (expected.serverTokenizer()) {
            if (prompt == null || prompt.isNull()) {
                throw new MalformedResponseException("no prompt_token_ids (with --tokenizer server they are the "
                        + "group's prompt: was return_token_ids sent, is the server vLLM >= 0.10.2?)");
            }
            promptIds = ids(prompt, "prompt_token_ids", expected);
            if (promptIds.length == 0) {
                throw new MalformedResponseException("prompt_token_ids is empty");
            }
        } else {
            promptIds = expected.tokenizer().promptIds();
        }
        if (!expected.serverTokenizer() && prompt != null && !prompt.isNull()) {
            int[] sent = ids(prompt, "prompt_token_ids", expected);
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
        JsonNode tokenIds = choice.get("token_ids");
        int[] ids = tokenIds != null && !tokenIds.isNull()
                ? ids(tokenIds, where + "token_ids", expected)
                : idsFromLogprobs(content, where, expected);
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
                int named = tokenId(token.textValue(), where, expected);
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
        JsonNode message = choice.get("message");
        JsonNode text = message == null ? null : message.get("content");
        if (text == null || !text.isTextual()) {
            throw new MalformedResponseException(where + "no message.content text");
        }
        if (expected.serverTokenizer()) {
            // Which id ends a completion, and how ids decode, is the server's tokenizer's business.
            return new SampledCompletion(ids, logProbs, text.textValue(), finish);
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

    private static int[] ids(JsonNode array, String what, Expected vocab) throws MalformedResponseException {
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

    private static int[] idsFromLogprobs(JsonNode content, String where, Expected vocab)
            throws MalformedResponseException {
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
    private static int tokenId(String token, String where, Expected vocab) throws MalformedResponseException {
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

    private static int inVocabulary(int id, String what, Expected vocab) throws MalformedResponseException {
        if (id < 0) {
            throw new MalformedResponseException(what + " id " + id + " is negative, outside any vocabulary");
        }
        if (id >= vocab.vocabBound()) {
            throw new MalformedResponseException(
                    what + " id " + id + " is outside " + vocab.vocabularyName() + " 0.." + (vocab.vocabBound() - 1));
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
