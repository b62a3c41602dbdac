package dev.dipr1.server;

import dev.dipr1.policy.Sampler;
import dev.dipr1.scenes.PngImages;
import dev.dipr1.topics.PolicyKey;
import dev.dipr1.topics.WeightsFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code dipr1 serve} runs. Every setting is checked when the record is made; a bad one fails
 * with a message naming the option to change.
 *
 * @param model the model name clients send and {@code GET /v1/models} lists ({@code --model})
 * @param bind the address to listen on ({@code --bind}; 127.0.0.1 keeps the server to this host)
 * @param port the port ({@code --port}); 0 = a free port chosen by the OS, see {@link PolicyServer#port()}
 * @param maxBatchPrompts the most requests decoded in one batch ({@code --max-batch-prompts})
 * @param maxQueue the most requests waiting for the decoder; one more is answered 503 ({@code --max-queue})
 * @param batchWaitMillis the longest a request waits for the company the decoder expects (as many
 *     requests as were in flight during the last batch, at most P) before its batch starts ({@code
 *     --batch-wait-ms}); 0 = never wait
 * @param maxN the largest {@code n} (completions per request) accepted ({@code --max-n})
 * @param maxBodyBytes the largest request body read; larger is answered 413
 * @param maxImageBytes the largest decoded data-URL image, checked before its base64 is decoded
 * @param maxPixels the most pixels an image header may claim, checked before its raster is decoded
 * @param weightsDir where {@code POST /update_weights_from_disk} may read checkpoints ({@code
 *     --weights-dir}); null = every weights update is refused
 * @param policyKey when set, a weights update must carry this key's MAC of its version and SHA-256
 *     ({@code --policy-key}, the learner's)
 * @param maxVersionJump how far ahead of the served version an update's version may be
 */
public record ServerSettings(
        String model,
        String bind,
        int port,
        int maxBatchPrompts,
        int maxQueue,
        int batchWaitMillis,
        int maxN,
        int maxBodyBytes,
        int maxImageBytes,
        long maxPixels,
        Path weightsDir,
        PolicyKey policyKey,
        long maxVersionJump) {

    public static final String DEFAULT_MODEL = "dipr1-policy";
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** The generator's default {@code --prompts-per-batch}: where batching stops paying (generator README). */
    public static final int DEFAULT_MAX_BATCH_PROMPTS = 8;

    public static final int DEFAULT_MAX_QUEUE = 64;
    /**
     * A client's turn-around (read its answer, send the next request) is a few milliseconds; a batch of
     * the default architecture decodes for 100–400 ms, so waiting up to 50 ms for a full batch pays (20 ms was
     * too short for 8 clients on a loaded 2-core machine: 4.1 requests per batch instead of 6.4).
     */
    public static final int DEFAULT_BATCH_WAIT_MILLIS = 50;
    /** Group sizes of GRPO are 4–64; 64 of the default architecture's 91 tokens decode in well under a second. */
    public static final int DEFAULT_MAX_N = 64;
    /** A 4096×4096 PNG of noise is ~50 MB; our 64×64 prompts are ~10 kB, a real MLLM's photos a few MB. */
    public static final int DEFAULT_MAX_IMAGE_BYTES = 16 * 1024 * 1024;
    /** The image's base64 (4/3 of its bytes) and the JSON around it. */
    public static final int DEFAULT_MAX_BODY_BYTES = DEFAULT_MAX_IMAGE_BYTES / 3 * 4 + 64 * 1024;
    /** The generator's default ({@code GeneratorSettings.DEFAULT_MAX_VERSION_JUMP}). */
    public static final long DEFAULT_MAX_VERSION_JUMP = 1_000_000L;

    public ServerSettings {
        List<String> errors = new ArrayList<>();
        if (model == null || model.isBlank()) {
            errors.add("--model must name the served model, e.g. " + DEFAULT_MODEL);
        }
        if (bind == null || bind.isBlank()) {
            errors.add("--bind must be an address to listen on, e.g. " + DEFAULT_BIND + " or 0.0.0.0");
        }
        if (port < 0 || port > 65535) {
            errors.add("--port must be in 0..65535 (0: a free port), was " + port);
        }
        if (maxBatchPrompts < 1 || maxBatchPrompts > Sampler.MAX_GROUP_SIZE) {
            errors.add("--max-batch-prompts must be in 1.." + Sampler.MAX_GROUP_SIZE + ", was " + maxBatchPrompts);
        }
        if (maxQueue < 1) {
            errors.add("--max-queue must be at least 1, was " + maxQueue);
        }
        if (batchWaitMillis < 0 || batchWaitMillis > 10_000) {
            errors.add("--batch-wait-ms must be in 0..10000, was " + batchWaitMillis);
        }
        if (maxN < 1 || maxN > Sampler.MAX_GROUP_SIZE) {
            errors.add("--max-n must be in 1.." + Sampler.MAX_GROUP_SIZE + " (the rows of one decoding batch), was "
                    + maxN);
        }
        if (maxImageBytes < 1) {
            errors.add("the image byte bound must be positive, was " + maxImageBytes);
        }
        if (maxBodyBytes < 1) {
            errors.add("the body byte bound must be positive, was " + maxBodyBytes);
        }
        if (maxPixels < 1 || maxPixels > PngImages.MAX_PIXELS) {
            errors.add("the pixel bound must be in 1.." + PngImages.MAX_PIXELS + ", was " + maxPixels);
        }
        if (maxVersionJump < 1) {
            errors.add("the largest version jump must be positive, was " + maxVersionJump);
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
    }

    /** The defaults on {@code port}, without a weights directory or a policy key. */
    public static ServerSettings defaults(int port) {
        return new ServerSettings(
                DEFAULT_MODEL,
                DEFAULT_BIND,
                port,
                DEFAULT_MAX_BATCH_PROMPTS,
                DEFAULT_MAX_QUEUE,
                DEFAULT_BATCH_WAIT_MILLIS,
                DEFAULT_MAX_N,
                DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_IMAGE_BYTES,
                PngImages.MAX_PIXELS,
                null,
                null,
                DEFAULT_MAX_VERSION_JUMP);
    }

    /** These settings with weight updates read from {@code dir} and, when {@code key} is set, signed by it. */
    public ServerSettings withWeights(Path dir, PolicyKey key) {
        return new ServerSettings(
                model,
                bind,
                port,
                maxBatchPrompts,
                maxQueue,
                batchWaitMillis,
                maxN,
                maxBodyBytes,
                maxImageBytes,
                maxPixels,
                dir,
                key,
                maxVersionJump);
    }

    /** These settings with another batch size, queue bound and wait for company. */
    public ServerSettings withBatching(int maxBatchPrompts, int maxQueue, int batchWaitMillis) {
        return new ServerSettings(
                model,
                bind,
                port,
                maxBatchPrompts,
                maxQueue,
                batchWaitMillis,
                maxN,
                maxBodyBytes,
                maxImageBytes,
                maxPixels,
                weightsDir,
                policyKey,
                maxVersionJump);
    }

    /** The files a weights update may name: inside {@link #weightsDir}, at most the generator's cap. */
    WeightsFiles weightsFiles() {
        return new WeightsFiles(weightsDir, WeightsFiles.MAX_CHECKPOINT_BYTES);
    }
}
