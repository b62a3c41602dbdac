package dev.dipr1.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.scenes.Split;
import dev.dipr1.scenes.SyntheticScenes;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Base64;

/** Chat-completion bodies as the OpenAI engine sends them, with synthetic scene images. */
final class ChatBodies {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String QUESTION = "Detect every person. Think in <think>, look in <look>, answer in <answer>.";

    private ChatBodies() {}

    /** Scene {@code index} of the in-domain split, as a PNG of the policy's size. */
    static byte[] scenePng(int index) {
        return PngImages.encode(
                SyntheticScenes.generate(Split.IN_DOMAIN, 11L, index).image());
    }

    /** Scene {@code index} stretched to {@code width × height}, so the server has to resize it. */
    static byte[] scenePng(int index, int width, int height) {
        BufferedImage scene =
                SyntheticScenes.generate(Split.IN_DOMAIN, 11L, index).image();
        BufferedImage big = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.drawImage(scene, 0, 0, width, height, null);
        g.dispose();
        return PngImages.encode(big);
    }

    static String dataUrl(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** A full request: n, temperature, top_p, max_tokens, seed, logprobs and vLLM's token-id flags. */
    static ObjectNode body(byte[] png, int n, double temperature, int maxTokens, long seed) {
        ObjectNode b = JSON.createObjectNode();
        b.put("model", ServerSettings.DEFAULT_MODEL);
        ArrayNode content =
                b.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", QUESTION);
        content.addObject().put("type", "image_url").putObject("image_url").put("url", dataUrl(png));
        b.put("n", n);
        b.put("temperature", temperature);
        b.put("top_p", 1.0);
        b.put("max_tokens", maxTokens);
        b.put("seed", seed);
        b.put("logprobs", true);
        b.put("return_tokens_as_token_ids", true);
        b.put("return_token_ids", true);
        return b;
    }

    static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
