package dev.dipr1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Parsing and checking chat bodies: every bad field is a 400 that names it. */
class ChatRequestTest {

    private static final ServerSettings SETTINGS = ServerSettings.defaults(0);
    private static final int BUDGET = 92;
    private static final long RANDOM_SEED = 4242L;

    private static ObjectNode valid() {
        return ChatBodies.body(ChatBodies.scenePng(0), 8, 0.7, 40, 12345L);
    }

    private static ChatRequest parse(ObjectNode body) throws ApiError {
        return ChatRequest.parse(ChatBodies.bytes(body), SETTINGS, BUDGET, RANDOM_SEED);
    }

    /** The error of {@code body} changed by {@code edit}. */
    private static ApiError error(Consumer<ObjectNode> edit) {
        ObjectNode body = valid();
        edit.accept(body);
        return assertThrows(ApiError.class, () -> parse(body));
    }

    private static void assertBadField(String param, Consumer<ObjectNode> edit) {
        ApiError e = error(edit);
        assertEquals(400, e.status(), e.getMessage());
        assertEquals(param, e.param(), e.getMessage());
        String field = param.substring(param.lastIndexOf('.') + 1).replaceAll("\\[.*", "");
        assertTrue(e.getMessage().contains(field), "the message names " + field + ": " + e.getMessage());
    }

    @Test
    void aFullRequestIsReadAsSent() throws ApiError {
        ChatRequest r = parse(valid());
        assertEquals(8, r.n());
        assertEquals(0.7f, r.sampling().temperature());
        assertEquals(1f, r.sampling().topP());
        assertEquals(40, r.sampling().maxTokens());
        assertEquals(12345L, r.sampling().seed());
        assertTrue(r.seeded() && r.logprobs() && r.tokensAsIds() && r.returnTokenIds());
        assertEquals("image/png", r.image().mediaType());
    }

    @Test
    void absentOptionsTakeTheOpenAiDefaultsAndTheServerDrawsTheSeed() throws ApiError {
        ObjectNode body = valid();
        body.remove(java.util.List.of(
                "n",
                "temperature",
                "top_p",
                "max_tokens",
                "seed",
                "logprobs",
                "return_tokens_as_token_ids",
                "return_token_ids"));
        ChatRequest r = parse(body);
        assertEquals(1, r.n());
        assertEquals(1f, r.sampling().temperature());
        assertEquals(BUDGET, r.sampling().maxTokens(), "the whole budget of the model");
        assertEquals(RANDOM_SEED, r.sampling().seed());
        assertFalse(r.seeded() || r.logprobs() || r.tokensAsIds() || r.returnTokenIds());
    }

    @Test
    void aTokenBudgetBeyondTheModelIsTheModelsBudget() throws ApiError {
        ObjectNode body = valid().put("max_tokens", 96);
        assertEquals(BUDGET, parse(body).sampling().maxTokens());
        body.remove("max_tokens");
        body.put("max_completion_tokens", 30);
        assertEquals(30, parse(body).sampling().maxTokens());
        assertBadField("max_completion_tokens", b -> b.put("max_completion_tokens", 31));
    }

    @Test
    void numbersOutOfRangeOrOfTheWrongTypeNameTheirField() {
        assertBadField("n", b -> b.put("n", 0));
        assertBadField("n", b -> b.put("n", SETTINGS.maxN() + 1));
        assertBadField("n", b -> b.put("n", 2.5));
        assertBadField("n", b -> b.put("n", "8"));
        assertBadField("temperature", b -> b.put("temperature", 0));
        assertBadField("temperature", b -> b.put("temperature", 10.5));
        assertBadField("temperature", b -> b.put("temperature", "hot"));
        assertBadField("top_p", b -> b.put("top_p", 0));
        assertBadField("top_p", b -> b.put("top_p", 1.01));
        assertBadField("max_tokens", b -> b.put("max_tokens", 0));
        assertBadField("max_tokens", b -> b.put("max_tokens", 5000));
        assertBadField("seed", b -> b.put("seed", 1.5));
        assertBadField("seed", b -> b.put("seed", new java.math.BigInteger("99999999999999999999")));
        assertBadField("logprobs", b -> b.put("logprobs", "yes"));
        assertBadField("return_token_ids", b -> b.put("return_token_ids", 1));
    }

    @Test
    void optionsThatWouldChangeTheSamplesAreRefusedNotIgnored() {
        assertBadField("stream", b -> b.put("stream", true));
        assertBadField("stop", b -> b.putArray("stop").add("</answer>"));
        assertBadField("top_logprobs", b -> b.put("top_logprobs", 5));
        assertBadField("presence_penalty", b -> b.put("presence_penalty", 0.5));
        assertBadField("logit_bias", b -> b.putObject("logit_bias").put("17", 5));
    }

    @Test
    void harmlessOptionsAreAccepted() throws ApiError {
        ObjectNode body = valid();
        body.put("stream", false);
        body.putNull("stop");
        body.put("top_logprobs", 0);
        body.put("frequency_penalty", 0);
        body.put("user", "someone");
        assertEquals(8, parse(body).n());
    }

    @Test
    void theModelMustBeGivenAndServed() {
        assertBadField("model", b -> b.remove("model"));
        ApiError other = error(b -> b.put("model", "Qwen2.5-VL-7B"));
        assertEquals(404, other.status());
        assertTrue(other.getMessage().contains("Qwen2.5-VL-7B")
                && other.getMessage().contains("dipr1-policy"));
    }

    @Test
    void theMessagesNeedTheQuestionAndExactlyOneImage() {
        assertBadField("messages", b -> b.remove("messages"));
        assertBadField("messages", b -> b.putArray("messages"));
        ApiError noImage = error(b -> content(b).remove(1));
        assertEquals("messages", noImage.param());
        assertTrue(noImage.getMessage().contains("image_url"), noImage.getMessage());
        ApiError noText = error(b -> content(b).remove(0));
        assertTrue(noText.getMessage().contains("question text"), noText.getMessage());
        ApiError two = error(b -> content(b).add(content(b).get(1).deepCopy()));
        assertTrue(two.getMessage().contains("exactly one image"), two.getMessage());
        assertBadField("messages[0].role", b -> message(b).put("role", "assistant"));
        assertBadField(
                "messages[0].content[0].type", b -> ((ObjectNode) content(b).get(0)).put("type", "audio"));
        assertBadField(
                "messages[0].content[1].image_url.url",
                b -> ((ObjectNode) content(b).get(1)).putObject("image_url").put("url", 5));
    }

    @Test
    void aStringContentAndASystemMessageAreAcceptedWithTheImageInTheUserTurn() throws ApiError {
        ObjectNode body = valid();
        content(body).remove(0);
        ArrayNode messages = (ArrayNode) body.get("messages");
        messages.insertObject(0).put("role", "system").put("content", "You detect people.");
        assertEquals(8, parse(body).n(), "the system text counts as the question");
    }

    @Test
    void aBodyThatIsNoJsonObjectIsA400() {
        ApiError notJson = assertThrows(
                ApiError.class,
                () -> ChatRequest.parse("{\"model\": ".getBytes(StandardCharsets.UTF_8), SETTINGS, BUDGET, 1));
        assertEquals(400, notJson.status());
        assertTrue(notJson.getMessage().contains("not valid JSON"), notJson.getMessage());
        ApiError array = assertThrows(
                ApiError.class, () -> ChatRequest.parse("[1]".getBytes(StandardCharsets.UTF_8), SETTINGS, BUDGET, 1));
        assertTrue(array.getMessage().contains("JSON object"));
    }

    @Test
    void requestsBatchTogetherOnlyWithTheSameSamplingShape() throws ApiError {
        ChatRequest a = parse(valid());
        assertTrue(a.batchesWith(parse(valid().put("seed", 1))), "seeds may differ");
        assertFalse(a.batchesWith(parse(valid().put("n", 4))));
        assertFalse(a.batchesWith(parse(valid().put("temperature", 1.0))));
        assertFalse(a.batchesWith(parse(valid().put("max_tokens", 41))));
    }

    private static ObjectNode message(ObjectNode body) {
        return (ObjectNode) body.get("messages").get(0);
    }

    private static ArrayNode content(ObjectNode body) {
        return (ArrayNode) message(body).get("content");
    }
}
