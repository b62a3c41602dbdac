package dev.dipr1.generator.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The request body carries every sampling setting, the seed and the image, in the fields vLLM reads. */
class ChatRequestTest {

    @Test
    void theBodyCarriesTheGroupsSettingsAndTheImageAsADataUrl() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};

        JsonNode b = new ObjectMapper()
                .readTree(ChatRequest.body(
                        "dipr1-policy-v3",
                        "Detect every person.",
                        png,
                        6,
                        0.7f,
                        0.95f,
                        77,
                        -4_310_637_912_462_538_711L));

        assertEquals("dipr1-policy-v3", b.get("model").asText());
        assertEquals(6, b.get("n").asInt());
        assertEquals(0.7f, b.get("temperature").floatValue());
        assertEquals(0.95f, b.get("top_p").floatValue());
        assertEquals(77, b.get("max_tokens").asInt());
        assertEquals(-4_310_637_912_462_538_711L, b.get("seed").asLong(), "a long seed survives exactly");
        assertTrue(b.get("logprobs").asBoolean());
        assertTrue(b.get("return_tokens_as_token_ids").asBoolean());
        assertTrue(b.get("return_token_ids").asBoolean());
        JsonNode message = b.get("messages").get(0);
        assertEquals("user", message.get("role").asText());
        assertEquals("text", message.at("/content/0/type").asText());
        assertEquals("Detect every person.", message.at("/content/0/text").asText());
        String url = message.at("/content/1/image_url/url").asText();
        assertTrue(url.startsWith("data:image/png;base64,"), url);
        assertArrayEquals(png, Base64.getDecoder().decode(url.substring("data:image/png;base64,".length())));
    }

    @Test
    void theQuestionTemplateNamesTheTagsTheFrameAndTheGroundingStyle() {
        String t = QuestionTemplate.text("Detect every person.", 640, 480);
        assertTrue(t.startsWith("Detect every person."), t);
        for (String part :
                new String[] {"<think></think>", "<look></look>", "<answer></answer>", "bbox_2d", "640 x 480"}) {
            assertTrue(t.contains(part), part + " missing from " + t);
        }
    }
}
