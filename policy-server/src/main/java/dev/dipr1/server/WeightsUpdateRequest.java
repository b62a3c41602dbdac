package dev.dipr1.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@code POST /update_weights_from_disk} body: SGLang's {@code model_path} (here one checkpoint
 * file) and {@code weight_version}, and our {@code dipr1_sha256} and {@code dipr1_policy_hmac} (the
 * policy update's hash and its {@code PolicyKey} MAC), parsed and checked; a bad field is an {@link
 * ApiError} naming it.
 *
 * @param modelPath the checkpoint file, absolute
 * @param version the version to serve it as; empty: the checkpoint's own
 * @param sha256 the SHA-256 the file must have, if given
 * @param hmac the learner's MAC of version and SHA-256, if given
 */
record WeightsUpdateRequest(Path modelPath, OptionalLong version, Optional<String> sha256, Optional<String> hmac) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static WeightsUpdateRequest parse(byte[] body) throws ApiError {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw ApiError.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest(null, "the body cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest(null, "the body must be a JSON object with model_path");
        }
        String path = text(root, "model_path")
                .orElseThrow(() -> ApiError.badRequest("model_path", "model_path is required: the checkpoint file"));
        Path modelPath;
        try {
            modelPath = Path.of(path);
        } catch (InvalidPathException e) {
            throw ApiError.badRequest("model_path", "model_path is not a path: " + e.getMessage());
        }
        if (!modelPath.isAbsolute()) {
            throw ApiError.badRequest("model_path", "model_path must be absolute, was " + path);
        }
        return new WeightsUpdateRequest(
                modelPath,
                version(root.get("weight_version")),
                text(root, "dipr1_sha256"),
                text(root, "dipr1_policy_hmac"));
    }

    /** SGLang sends {@code weight_version} as a string; a number is accepted too. */
    private static OptionalLong version(JsonNode v) throws ApiError {
        if (v == null || v.isNull()) {
            return OptionalLong.empty();
        }
        long version;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            version = v.asLong();
        } else if (v.isTextual()) {
            try {
                version = Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("weight_version", "weight_version must be a whole number, was " + v);
            }
        } else {
            throw ApiError.badRequest("weight_version", "weight_version must be a whole number, was " + v);
        }
        if (version < 0) {
            throw ApiError.badRequest("weight_version", "weight_version must not be negative, was " + version);
        }
        return OptionalLong.of(version);
    }

    private static Optional<String> text(JsonNode root, String field) throws ApiError {
        JsonNode f = root.get(field);
        if (f == null || f.isNull()) {
            return Optional.empty();
        }
        if (!f.isTextual()) {
            throw ApiError.badRequest(field, field + " must be a string, was " + f);
        }
        return Optional.of(f.asText());
    }
}
