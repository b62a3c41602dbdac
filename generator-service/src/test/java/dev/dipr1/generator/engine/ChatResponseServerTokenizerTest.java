package dev.dipr1.generator.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.policy.FinishReason;
import dev.dipr1.policy.SampledCompletion;
import dev.dipr1.policy.Tokenizer;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@code --tokenizer server}: an answer of a real model (Qwen2.5-VL-like ids, far beyond the DJL
 * policy's vocabulary) is taken as the server's tokenizer made it, after the checks that need no
 * vocabulary.
 */
class ChatResponseServerTokenizerTest {

    /** Writes a NaN log-prob as Python's json does: a bare {@code NaN}, not a string. */
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .disable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();
    /** Qwen2.5-VL's vocabulary size (config.json) and its {@code <|im_end|>} id. */
    private static final int QWEN_VOCAB = 152064;

    private static final int IM_END = 151645;
    private static final int[] PROMPT = {151644, 872, 198, 151652, 151655, 151655, 151653, 3838, 30};
    private static final int[] STOPPED = {13708, 766, 29, 16, 1697, 522, 26865, 29, IM_END};
    private static final String STOPPED_TEXT = "<think>1 person</think>";
    /** A cut completion that names no end token at all. */
    private static final int[] CUT = {27, 9217, 29, 90, 1};

    private static final String CUT_TEXT = "<answer>{\"";

    private static ObjectNode valid() {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "chat.completion");
        ArrayNode prompt = root.putArray("prompt_token_ids");
        for (int id : PROMPT) {
            prompt.add(id);
        }
        ArrayNode choices = root.putArray("choices");
        choices.add(choice(1, CUT, CUT_TEXT, "length", -0.5));
        choices.add(choice(0, STOPPED, STOPPED_TEXT, "stop", -0.25));
        return root;
    }

    private static ObjectNode choice(int index, int[] ids, String text, String finish, double logprob) {
        ObjectNode c = JSON.createObjectNode();
        c.put("index", index);
        c.putObject("message").put("role", "assistant").put("content", text);
        ArrayNode content = c.putObject("logprobs").putArray("content");
        ArrayNode tokenIds = c.putArray("token_ids");
        for (int id : ids) {
            content.addObject().put("token", "token_id:" + id).put("logprob", logprob);
            tokenIds.add(id);
        }
        c.put("finish_reason", finish);
        return c;
    }

    private static ChatResponse.Parsed parse(ObjectNode root, ChatResponse.Expected expected) throws Exception {
        return ChatResponse.parse(JSON.writeValueAsBytes(root), expected);
    }

    private static String refused(Consumer<ObjectNode> change, ChatResponse.Expected expected) {
        ObjectNode root = valid();
        change.accept(root);
        return assertThrows(MalformedResponseException.class, () -> parse(root, expected))
                .getMessage();
    }

    private static String refused(Consumer<ObjectNode> change) {
        return refused(change, ChatResponse.Expected.server(2, 16, 0));
    }

    private static ObjectNode choice0(ObjectNode root) {
        return (ObjectNode) root.get("choices").get(1);
    }

    @Test
    void idsBeyondThePolicysVocabularyAreTheServersTokensTextAndPrompt() throws Exception {
        ChatResponse.Parsed p = parse(valid(), ChatResponse.Expected.server(2, 16, QWEN_VOCAB));

        assertArrayEquals(PROMPT, p.promptIds());
        List<SampledCompletion> c = p.completions();
        assertArrayEquals(STOPPED, c.get(0).tokenIds());
        assertEquals(STOPPED_TEXT, c.get(0).text());
        assertEquals(FinishReason.EOS, c.get(0).finishReason());
        assertArrayEquals(
                new float[] {-0.25f, -0.25f, -0.25f, -0.25f, -0.25f, -0.25f, -0.25f, -0.25f, -0.25f},
                c.get(0).logProbs());
        assertArrayEquals(CUT, c.get(1).tokenIds());
        assertEquals(CUT_TEXT, c.get(1).text());
        assertEquals(FinishReason.LENGTH, c.get(1).finishReason());
    }

    @Test
    void thePolicysTokenizerRefusesTheSameAnswer() {
        ChatResponse.Expected policy = new ChatResponse.Expected(2, 16, new Tokenizer(64));

        String reason = assertThrows(MalformedResponseException.class, () -> parse(valid(), policy))
                .getMessage();

        assertTrue(reason.contains("outside the policy's vocabulary"), reason);
    }

    @Test
    void idsMustBeNonNegativeAndBelowTheGivenVocabularySize() {
        assertTrue(refused(r -> ((ArrayNode) choice0(r).get("token_ids")).set(2, -3))
                .contains("id -3 is negative"));
        assertTrue(refused(r -> ((ArrayNode) r.get("prompt_token_ids")).set(0, -1))
                .contains("prompt_token_ids id -1 is negative"));
        String tooBig = refused(r -> {}, ChatResponse.Expected.server(2, 16, 1000));
        assertTrue(tooBig.contains("outside --vocab-size 0..999"), tooBig);
    }

    @Test
    void theServersPromptIdsAreRequired() {
        assertTrue(refused(r -> r.remove("prompt_token_ids")).contains("no prompt_token_ids"));
        assertTrue(refused(r -> r.putNull("prompt_token_ids")).contains("no prompt_token_ids"));
        assertTrue(refused(r -> r.putArray("prompt_token_ids")).contains("prompt_token_ids is empty"));
    }

    @Test
    void tokenIdsAndLogprobEntriesMustAgree() {
        assertTrue(refused(r -> ((ObjectNode) choice0(r).at("/logprobs/content/3")).put("token", "token_id:17"))
                .contains("token 3 is 16 in token_ids but 17 in logprobs"));
    }

    @Test
    void idsComeFromTheLogprobEntriesWithoutTokenIds() throws Exception {
        ObjectNode root = valid();
        choice0(root).remove("token_ids");

        assertArrayEquals(
                STOPPED,
                parse(root, ChatResponse.Expected.server(2, 16, 0))
                        .completions()
                        .get(0)
                        .tokenIds());
    }

    @Test
    void eachTokenNeedsAFiniteLogProbAtMostZero() {
        assertTrue(refused(r -> ((ObjectNode) choice0(r).at("/logprobs/content/2")).put("logprob", Double.NaN))
                .contains("not a finite number <= 0"));
        assertTrue(refused(r ->
                        ((ObjectNode) choice0(r).at("/logprobs/content/2")).put("logprob", Double.NEGATIVE_INFINITY))
                .contains("not a finite number <= 0"));
        assertTrue(refused(r -> ((ObjectNode) choice0(r).at("/logprobs/content/2")).put("logprob", 0.5))
                .contains("not a finite number <= 0"));
        assertTrue(refused(r -> ((ArrayNode) choice0(r).at("/logprobs/content")).remove(8))
                .contains("9 token ids but 8 log-probs"));
    }

    @Test
    void theOtherChecksStillHold() {
        assertTrue(refused(r -> choice0(r).put("finish_reason", "abort")).contains("neither stop nor length"));
        assertTrue(refused(r -> ((ObjectNode) choice0(r).get("message")).remove("content"))
                .contains("no message.content"));
        assertTrue(refused(r -> {}, ChatResponse.Expected.server(2, 8, 0)).contains("more than max_tokens 8"));
        assertTrue(refused(r -> ((ArrayNode) r.get("choices")).remove(0)).contains("expected 2 choices"));
    }

    @Test
    void aNegativeVocabularySizeIsRefusedNamingTheOption() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ChatResponse.Expected.server(2, 16, -1));
        assertTrue(e.getMessage().contains("--vocab-size"));
    }
}
