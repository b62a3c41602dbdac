package dev.dipr1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.policy.FinishReason;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat.completion JSON of sampled completions, in vLLM's dialect. */
class ChatResponseTest {

    private static final Tokenizer TOKENIZER = new Tokenizer(64);
    private static final int[] PROMPT = TOKENIZER.promptIds();
    // a completion that ended with <eos> and one cut by the budget, with log-probs no float rounds to a shorter text
    private static final SampledCompletion STOPPED = completion(
            new int[] {Tokenizer.THINK_OPEN, TOKENIZER.countToken(2), Tokenizer.EOS},
            new float[] {-0.1234567f, -1.0e-7f, -3.3f},
            FinishReason.EOS);
    private static final SampledCompletion CUT = completion(
            new int[] {Tokenizer.ANSWER_OPEN, TOKENIZER.coordinateToken(17)},
            new float[] {-0.5f, -7.25f},
            FinishReason.LENGTH);

    private static SampledCompletion completion(int[] ids, float[] logps, FinishReason reason) {
        return new SampledCompletion(ids, logps, TOKENIZER.decode(ids), reason);
    }

    private static ChatRequest request(boolean logprobs, boolean tokensAsIds, boolean tokenIds) throws ApiError {
        ObjectNode body = ChatBodies.body(ChatBodies.scenePng(0), 2, 1.0, 40, 1L);
        body.put("logprobs", logprobs);
        body.put("return_tokens_as_token_ids", tokensAsIds);
        body.put("return_token_ids", tokenIds);
        return ChatRequest.parse(ChatBodies.bytes(body), ServerSettings.defaults(0), 92, 0);
    }

    private static JsonNode build(ChatRequest request) throws Exception {
        ObjectNode built = ChatResponse.build(
                "chatcmpl-x", 1_700_000_000L, "dipr1-policy", request, PROMPT, List.of(STOPPED, CUT), TOKENIZER);
        // through the wire format, as a client reads it
        return ChatBodies.JSON.readTree(ChatBodies.JSON.writeValueAsBytes(built));
    }

    @Test
    void everyChoiceCarriesItsTextTokenIdsLogProbsAndFinishReason() throws Exception {
        JsonNode r = build(request(true, true, true));
        assertEquals("chat.completion", r.get("object").asText());
        assertEquals(1_700_000_000L, r.get("created").asLong());
        assertEquals("dipr1-policy", r.get("model").asText());
        assertEquals(PROMPT.length, r.get("prompt_token_ids").size());
        assertEquals(Tokenizer.BOS, r.get("prompt_token_ids").get(0).asInt());
        JsonNode choices = r.get("choices");
        assertEquals(2, choices.size());
        List<SampledCompletion> sent = List.of(STOPPED, CUT);
        for (int i = 0; i < 2; i++) {
            JsonNode c = choices.get(i);
            SampledCompletion s = sent.get(i);
            assertEquals(i, c.get("index").asInt());
            assertEquals("assistant", c.get("message").get("role").asText());
            assertEquals(s.text(), c.get("message").get("content").asText());
            JsonNode content = c.get("logprobs").get("content");
            assertEquals(s.tokenIds().length, c.get("token_ids").size());
            assertEquals(s.tokenIds().length, content.size());
            for (int t = 0; t < s.tokenIds().length; t++) {
                assertEquals(s.tokenIds()[t], c.get("token_ids").get(t).asInt());
                assertEquals(
                        "token_id:" + s.tokenIds()[t],
                        content.get(t).get("token").asText());
                // read as a double and narrowed, as a client does: exactly the sampler's float
                assertEquals(
                        s.logProbs()[t], (float) content.get(t).get("logprob").asDouble());
                assertTrue(content.get(t).get("bytes").isNull());
                assertEquals(0, content.get(t).get("top_logprobs").size());
            }
        }
        assertEquals("stop", choices.get(0).get("finish_reason").asText());
        assertEquals("length", choices.get(1).get("finish_reason").asText());
        assertEquals(PROMPT.length, r.get("usage").get("prompt_tokens").asInt());
        assertEquals(5, r.get("usage").get("completion_tokens").asInt());
        assertEquals(PROMPT.length + 5, r.get("usage").get("total_tokens").asInt());
    }

    @Test
    void withoutTheVllmFlagsTokensAreNamedAndIdsLeftOut() throws Exception {
        JsonNode r = build(request(true, false, false));
        assertFalse(r.has("prompt_token_ids"));
        JsonNode c = r.get("choices").get(1);
        assertFalse(c.has("token_ids"));
        JsonNode coord = c.get("logprobs").get("content").get(1);
        assertEquals("coord:17", coord.get("token").asText());
        assertEquals("coord:17".length(), coord.get("bytes").size());
        assertEquals('c', coord.get("bytes").get(0).asInt());
    }

    @Test
    void withoutLogprobsTheyAreNull() throws Exception {
        JsonNode r = build(request(false, true, true));
        assertTrue(r.get("choices").get(0).get("logprobs").isNull());
        assertEquals(3, r.get("choices").get(0).get("token_ids").size());
    }
}
