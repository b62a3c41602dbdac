package dev.dipr1.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The body of POST /update_weights_from_disk: SGLang's fields and ours. */
class WeightsUpdateRequestTest {

    private static WeightsUpdateRequest parse(String json) throws ApiError {
        return WeightsUpdateRequest.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertBad(String param, String json) {
        ApiError e = assertThrows(ApiError.class, () -> parse(json));
        assertEquals(400, e.status());
        assertEquals(param, e.param());
        assertTrue(e.getMessage().contains(param), e.getMessage());
    }

    @Test
    void sglangsBodyAndOurFieldsAreRead() throws ApiError {
        WeightsUpdateRequest r = parse("{\"model_path\": \"/w/policy-v7.ckpt\", \"weight_version\": \"7\","
                + " \"dipr1_sha256\": \"ab\", \"dipr1_policy_hmac\": \"cd\", \"load_format\": null}");
        assertEquals(Path.of("/w/policy-v7.ckpt"), r.modelPath());
        assertEquals(OptionalLong.of(7), r.version());
        assertEquals(Optional.of("ab"), r.sha256());
        assertEquals(Optional.of("cd"), r.hmac());
        assertEquals(
                OptionalLong.of(8),
                parse("{\"model_path\": \"/w/p\", \"weight_version\": 8}").version());
        assertEquals(OptionalLong.empty(), parse("{\"model_path\": \"/w/p\"}").version());
    }

    @Test
    void badFieldsAreNamed() {
        assertBad("model_path", "{}");
        assertBad("model_path", "{\"model_path\": \"relative/policy.ckpt\"}");
        assertBad("model_path", "{\"model_path\": 5}");
        assertBad("weight_version", "{\"model_path\": \"/w/p\", \"weight_version\": \"v7\"}");
        assertBad("weight_version", "{\"model_path\": \"/w/p\", \"weight_version\": -1}");
        assertBad("weight_version", "{\"model_path\": \"/w/p\", \"weight_version\": 1.5}");
        assertBad("dipr1_sha256", "{\"model_path\": \"/w/p\", \"dipr1_sha256\": 1}");
        ApiError notJson = assertThrows(ApiError.class, () -> parse("model_path=/w/p"));
        assertTrue(notJson.getMessage().contains("JSON"), notJson.getMessage());
    }
}
