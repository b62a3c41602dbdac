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

/** The checks of a chat completions answer: a group is taken whole or refused with what is wrong. */
class ChatResponseTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Tokenizer TOKENIZER = new Tokenizer(64);
    private static final int COORD_10 = TOKENIZER.coordinateToken(10);
    /** {@code <think>1 person</think><eos>} and a completion cut at the budget of 4. */
    private static final int[] STOPPED = {
        Tokenizer.THINK_OPEN, TOKENIZER.countToken(1), Tokenizer.W_PERSON, Tokenizer.THINK_CLOSE, Tokenizer.EOS
    };

    private static final int[] CUT = {Tokenizer.ANSWER_OPEN, COORD_10, COORD_10, COORD_10};
    private static final ChatResponse.Expected EXPECTED = new ChatResponse.Expected(2, 5, TOKENIZER);

    /** A well-formed vLLM-style answer: choice 1 first, to show the index decides the order. */
    private static ObjectNode valid() {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "chat.completion");
        ArrayNode prompt = root.putArray("prompt_token_ids");
        for (int id : TOKENIZER.promptIds()) {
            prompt.add(id);
        }
        ArrayNode choices = root.putArray("choices");
        choices.add(choice(1, CUT, "length", -0.5));
        choices.add(choice(0, STOPPED, "stop", -0.25));
        return root;
    }

    private static ObjectNode choice(int index, int[] ids, String finish, double logprob) {
        ObjectNode c = JSON.createObjectNode();
        c.put("index", index);
        c.putObject("message").put("role", "assistant").put("content", TOKENIZER.decode(ids));
        ArrayNode content = c.putObject("logprobs").putArray("content");
        ArrayNode tokenIds = c.putArray("token_ids");
        for (int id : ids) {
            content.addObject().put("token", "token_id:" + id).put("logprob", logprob);
            tokenIds.add(id);
        }
        c.put("finish_reason", finish);
        return c;
    }

    private static ChatResponse.Parsed parse(ObjectNode root) throws Exception {
        return ChatResponse.parse(JSON.writeValueAsBytes(root), EXPECTED);
    }

    /** The reason a mutated answer is refused. */
    private static String refused(Consumer<ObjectNode> change) {
        ObjectNode root = valid();
        change.accept(root);
        return assertThrows(MalformedResponseException.class, () -> parse(root)).getMessage();
    }

    private static ObjectNode choice0(ObjectNode root) {
        return (ObjectNode) root.get("choices").get(1);
    }

    @Test
    void aWellFormedAnswerGivesTheCompletionsInIndexOrder() throws Exception {
        ChatResponse.Parsed p = parse(valid());

        assertArrayEquals(TOKENIZER.promptIds(), p.promptIds());
        List<SampledCompletion> c = p.completions();
        assertArrayEquals(STOPPED, c.get(0).tokenIds());
        assertEquals(FinishReason.EOS, c.get(0).finishReason());
        assertEquals("<think>1 person</think>", c.get(0).text());
        assertArrayEquals(
                new float[] {-0.25f, -0.25f, -0.25f, -0.25f, -0.25f}, c.get(0).logProbs());
        assertArrayEquals(CUT, c.get(1).tokenIds());
        assertEquals(FinishReason.LENGTH, c.get(1).finishReason(), "a cut completion is kept, not refused");
    }

    @Test
    void tokenIdsComeFromTheLogprobEntriesWhenTheServerSendsNoTokenIds() throws Exception {
        ObjectNode root = valid();
        root.remove("prompt_token_ids");
        for (var c : root.get("choices")) {
            ((ObjectNode) c).remove("token_ids");
        }

        ChatResponse.Parsed p = parse(root);

        assertArrayEquals(STOPPED, p.completions().get(0).tokenIds());
        assertArrayEquals(TOKENIZER.promptIds(), p.promptIds(), "the policy's prompt when none is sent");
    }

    @Test
    void fewerOrMoreChoicesThanNAreRefused() {
        assertTrue(refused(r -> ((ArrayNode) r.get("choices")).remove(0)).contains("expected 2 choices"));
        assertTrue(refused(r -> ((ArrayNode) r.get("choices")).add(choice(2, CUT, "length", -1)))
                .contains("has 3"));
        assertTrue(refused(r -> choice0(r).put("index", 1)).contains("appears twice"));
    }

    @Test
    void logProbsMustBeOneFiniteNonPositiveNumberPerToken() {
        assertTrue(refused(r -> ((ObjectNode) choice0(r).at("/logprobs/content/2")).put("logprob", 0.5))
                .contains("log-prob 0.5 of token 2"));
        assertTrue(refused(r -> ((ObjectNode) choice0(r).at("/logprobs/content/0")).putNull("logprob"))
                .contains("no numeric logprob"));
        assertTrue(refused(r -> ((ObjectNode) choice0(r).at("/logprobs/content/0")).put("logprob", -1e300))
                .contains("not a finite number"));
        assertTrue(refused(r -> ((ArrayNode) choice0(r).at("/logprobs/content")).remove(4))
                .contains("5 token ids but 4 log-probs"));
        assertTrue(refused(r -> choice0(r).remove("logprobs")).contains("logprobs.content"));
    }

    @Test
    void tokenIdsMustBeInTheVocabularyAndAgreeWithTheLogprobEntries() {
        int vocab = TOKENIZER.vocabSize();
        assertTrue(refused(r -> ((ArrayNode) choice0(r).get("token_ids")).set(1, vocab))
                .contains("outside the policy's vocabulary"));
        assertTrue(refused(r -> ((ArrayNode) choice0(r).get("token_ids")).set(1, 9))
                .contains("in token_ids but"));
        assertTrue(refused(r -> {
                    choice0(r).remove("token_ids");
                    ((ObjectNode) choice0(r).at("/logprobs/content/1")).put("token", "people");
                })
                .contains("is not token_id:N"));
        assertTrue(refused(r -> ((ArrayNode) choice0(r).get("token_ids")).set(1, -3))
                .contains("outside"));
    }

    @Test
    void theFinishReasonMustBeKnownAndMatchTheTokens() {
        assertTrue(refused(r -> choice0(r).put("finish_reason", "abort")).contains("neither stop nor length"));
        assertTrue(refused(r -> choice0(r).putNull("finish_reason")).contains("neither stop nor length"));
        assertTrue(refused(r -> choice0(r).put("finish_reason", "length")).contains("<eos>"));
        assertTrue(refused(r -> ((ObjectNode) r.get("choices").get(0)).put("finish_reason", "stop"))
                .contains("no <eos>"));
    }

    @Test
    void theTextMustBeWhatTheTokensSay() {
        assertTrue(refused(r -> ((ObjectNode) choice0(r).get("message")).put("content", "<think>2 people</think>"))
                .contains("does not match"));
    }

    @Test
    void moreTokensThanAskedForOrAnotherPromptAreRefused() {
        ChatResponse.Expected shorter = new ChatResponse.Expected(2, 4, TOKENIZER);
        String m = assertThrows(
                        MalformedResponseException.class,
                        () -> ChatResponse.parse(JSON.writeValueAsBytes(valid()), shorter))
                .getMessage();
        assertTrue(m.contains("more than max_tokens 4"), m);
        assertTrue(
                refused(r -> ((ArrayNode) r.get("prompt_token_ids")).set(0, 2)).contains("prompt"));
    }

    @Test
    void aTruncatedOrNonJsonBodyIsRefused() throws Exception {
        byte[] whole = JSON.writeValueAsBytes(valid());
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertTrue(assertThrows(MalformedResponseException.class, () -> ChatResponse.parse(half, EXPECTED))
                .getMessage()
                .contains("not JSON"));
        assertThrows(MalformedResponseException.class, () -> ChatResponse.parse(new byte[0], EXPECTED));
        assertThrows(
                MalformedResponseException.class, () -> ChatResponse.parse("[]".getBytes(), EXPECTED), "not an object");
    }

    @Test
    void anOpenAiErrorBodyGivesItsMessage() {
        assertEquals(
                "n must be at most 64",
                ChatResponse.errorMessage(
                        "{\"error\":{\"message\":\"n must be at most 64\",\"code\":400}}".getBytes()));
        assertEquals("Internal Server Error", ChatResponse.errorMessage("Internal Server Error\n".getBytes()));
    }
}
