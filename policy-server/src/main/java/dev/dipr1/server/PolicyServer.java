package dev.dipr1.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dipr1.policy.Policy;
import dev.dipr1.policy.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dipr1 serve}: the DJL policy behind the OpenAI-compatible subset of the issue-12 contract,
 * on the JDK's HTTP server.
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: {@link ChatRequest} in, {@link ChatResponse} out; the
 *       request is sampled by the {@link BatchingSampler} with other waiting ones; header {@value
 *       #VERSION_HEADER} names the policy version that sampled it.
 *   <li>{@code GET /v1/models}: the one model.
 *   <li>{@code GET /health}: 200 while a policy is served, 503 once stopping.
 *   <li>{@code POST /update_weights_from_disk}: SGLang's weight update ({@link WeightsLoader}); 200
 *       with {@code success: true}, else 400 with {@code success: false} and the reason.
 * </ul>
 *
 * Everything else is 404 (including vLLM's {@code /v1/load_lora_adapter}: no LoRA here). Errors
 * are OpenAI error objects ({@link ApiError}). {@link #close} stops gracefully: new requests are
 * refused, those in progress finish (up to {@link #STOP_GRACE_SECONDS}), then the decoder stops.
 */
public final class PolicyServer implements AutoCloseable {

    /** Our response header: the policy version that sampled the completions (or is served). */
    public static final String VERSION_HEADER = "X-Dipr1-Policy-Version";

    /** How long {@link #close} lets requests in progress finish. */
    static final int STOP_GRACE_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(PolicyServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ServerSettings settings;
    private final LoadedPolicy policy;
    private final BatchingSampler sampler;
    private final WeightsLoader weights;
    private final LongSupplier clockMs;
    private final Tokenizer tokenizer;
    private final int modelBudget;
    private final HttpServer http;
    private final ExecutorService handlers;
    private volatile boolean stopping;

    private PolicyServer(ServerSettings settings, Policy initial, String initialSha256, LongSupplier clockMs)
            throws IOException {
        this.settings = settings;
        this.clockMs = clockMs;
        this.policy = new LoadedPolicy(initial, initialSha256);
        this.tokenizer = initial.tokenizer();
        // the sampler's own limit: the sequence holds the prompt and the completion but its last token
        this.modelBudget = initial.config().maxSeqLen() - tokenizer.promptIds().length + 1;
        this.sampler = new BatchingSampler(
                policy,
                settings.maxBatchPrompts(),
                settings.maxQueue(),
                java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(settings.batchWaitMillis()));
        this.weights = new WeightsLoader(settings, clockMs);
        // more handler threads than requests can wait: a request beyond them is refused by the
        // sampler's bounded queue (503), not queued invisibly in the executor
        AtomicInteger threads = new AtomicInteger();
        this.handlers = Executors.newFixedThreadPool(settings.maxQueue() + settings.maxBatchPrompts() + 4, r -> {
            Thread t = new Thread(r, "serve-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            this.http = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 0);
        } catch (IOException e) {
            sampler.close();
            handlers.shutdownNow();
            throw new IOException(
                    "cannot listen on " + settings.bind() + ":" + settings.port() + " (" + e.getMessage()
                            + "): choose another --port or --bind",
                    e);
        }
        http.setExecutor(handlers);
        http.createContext("/", this::handle);
        http.start();
    }

    /**
     * Serves {@code initial} (whose checkpoint bytes hash to {@code initialSha256}); owns it from
     * now on. Returns once the server listens.
     */
    /**
     * Turns Nagle off in the JDK HTTP server unless the user set {@code sun.net.httpserver.nodelay}: with it on, every
     * answer waits ~40 ms for the client's delayed ACK (measured by dipr1 bench engine: HTTP at 0.57 of in-process at
     * P = 1 with it, 0.89 without). The JDK reads the property once, at the first server of the JVM, so entry points
     * call this before anything else opens one (a metrics endpoint).
     */
    public static void noDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    public static PolicyServer start(ServerSettings settings, Policy initial, String initialSha256) throws IOException {
        return start(settings, initial, initialSha256, System::currentTimeMillis);
    }

    static PolicyServer start(ServerSettings settings, Policy initial, String initialSha256, LongSupplier clockMs)
            throws IOException {
        noDelay();
        PolicyServer s = new PolicyServer(settings, initial, initialSha256, clockMs);
        LOG.info(
                "serving {} (policy v{}) on {} (batches of up to {} requests, {} may wait)",
                settings.model(),
                initial.version(),
                s.baseUri(),
                settings.maxBatchPrompts(),
                settings.maxQueue());
        return s;
    }

    /** The port listened on (the OS's choice when the settings say 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://bind:port}, e.g. for an engine's {@code --endpoint}. */
    public URI baseUri() {
        String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
        return URI.create("http://" + host + ":" + port());
    }

    /** The version served now. */
    public long policyVersion() {
        return policy.version();
    }

    /**
     * Serves the checkpoint of {@code update}, a policy update from the policy topic that a {@code
     * PolicyWatcher} found plausible (and signed, with a key), if it is newer than the served version;
     * why not, if it is not served now. Its weights are read as a generator reads them: inline, or by
     * URI only inside {@code --weights-dir}, their SHA-256 checked.
     */
    public java.util.Optional<String> follow(dev.dipr1.schemas.PolicyUpdate update) {
        WeightsLoader.Outcome o = weights.load(update, policy);
        return o.success() ? java.util.Optional.empty() : java.util.Optional.of(o.message());
    }

    LoadedPolicy loadedPolicy() {
        return policy;
    }

    BatchingSampler sampler() {
        return sampler;
    }

    // ------------------------------------------------------------------ routes

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                switch (path) {
                    case "/v1/chat/completions" -> {
                        requireMethod(method, "POST");
                        chatCompletions(exchange);
                    }
                    case "/v1/models" -> {
                        requireMethod(method, "GET");
                        models(exchange);
                    }
                    case "/health" -> {
                        requireMethod(method, "GET");
                        health(exchange);
                    }
                    case "/update_weights_from_disk" -> {
                        requireMethod(method, "POST");
                        updateWeights(exchange);
                    }
                    default ->
                        throw ApiError.notFound(
                                null,
                                "no route " + method + " " + path + " (served: POST "
                                        + "/v1/chat/completions, GET /v1/models, GET /health, POST /update_weights_from_disk)");
                }
            } catch (ApiError e) {
                error(exchange, e, policy.version());
            } catch (RuntimeException e) {
                LOG.error("{} {} failed", method, path, e);
                error(exchange, ApiError.internal("the server failed: " + e), policy.version());
            }
        }
    }

    private static void requireMethod(String method, String expected) throws ApiError {
        if (!method.equals(expected)) {
            throw ApiError.methodNotAllowed("use " + expected + ", not " + method);
        }
    }

    private void chatCompletions(HttpExchange exchange) throws IOException, ApiError {
        if (stopping) {
            throw ApiError.unavailable("the server is stopping");
        }
        ChatRequest request = ChatRequest.parse(
                body(exchange),
                settings,
                modelBudget,
                ThreadLocalRandom.current().nextLong());
        float[] pixels = request.image().policyPixels(policy.config().imageSize(), settings.maxPixels());
        CompletableFuture<BatchingSampler.Sampled> pending;
        try {
            pending = sampler.submit(request, pixels);
        } catch (BatchingSampler.Overloaded e) {
            throw ApiError.unavailable(e.getMessage());
        }
        BatchingSampler.Sampled sampled;
        try {
            sampled = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.unavailable("the server is stopping");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BatchingSampler.Overloaded o) {
                throw ApiError.unavailable(o.getMessage());
            }
            LOG.error("sampling failed", e.getCause());
            throw ApiError.internal("sampling failed: " + e.getCause());
        }
        ObjectNode body = ChatResponse.build(
                "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
                clockMs.getAsLong() / 1000,
                settings.model(),
                request,
                sampled.promptIds(),
                sampled.completions(),
                tokenizer);
        respond(exchange, 200, body, sampled.policyVersion());
    }

    private void models(HttpExchange exchange) throws IOException {
        ObjectNode root = F.objectNode();
        root.put("object", "list");
        ObjectNode model = root.putArray("data").addObject();
        model.put("id", settings.model());
        model.put("object", "model");
        model.put("created", clockMs.getAsLong() / 1000);
        model.put("owned_by", "dipr1");
        model.put("max_model_len", policy.config().maxSeqLen());
        respond(exchange, 200, root, policy.version());
    }

    private void health(HttpExchange exchange) throws IOException, ApiError {
        if (stopping) {
            throw ApiError.unavailable("the server is stopping");
        }
        exchange.getResponseHeaders().add(VERSION_HEADER, Long.toString(policy.version()));
        exchange.sendResponseHeaders(200, -1);
    }

    private void updateWeights(HttpExchange exchange) throws IOException {
        ObjectNode root = F.objectNode();
        WeightsLoader.Outcome outcome;
        try {
            outcome = weights.load(WeightsUpdateRequest.parse(body(exchange)), policy);
        } catch (ApiError e) {
            outcome = new WeightsLoader.Outcome(false, e.getMessage(), policy.version());
        }
        root.put("success", outcome.success());
        root.put("message", outcome.message());
        root.put("dipr1_policy_version", outcome.version());
        respond(exchange, outcome.success() ? 200 : 400, root, outcome.version());
    }

    // ------------------------------------------------------------------ bodies

    /** The request body, at most {@code maxBodyBytes} (413 beyond, before reading it when the length is declared). */
    private byte[] body(HttpExchange exchange) throws IOException, ApiError {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > settings.maxBodyBytes()) {
                    throw ApiError.tooLarge("the body has " + declared.trim() + " bytes; at most "
                            + settings.maxBodyBytes() + " are read");
                }
            } catch (NumberFormatException e) {
                throw ApiError.badRequest(null, "Content-Length is not a number: " + declared);
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(settings.maxBodyBytes() + 1);
            if (body.length > settings.maxBodyBytes()) {
                throw ApiError.tooLarge("the body has more than " + settings.maxBodyBytes() + " bytes");
            }
            return body;
        }
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body, long version) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add(VERSION_HEADER, Long.toString(version));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    private static void error(HttpExchange exchange, ApiError e, long version) throws IOException {
        ObjectNode root = F.objectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.type());
        if (e.param() != null) {
            err.put("param", e.param());
        } else {
            err.putNull("param");
        }
        err.put("code", e.status());
        try {
            respond(exchange, e.status(), root, version);
        } catch (IOException | UncheckedIOException io) {
            LOG.debug("could not answer {}: {}", e.status(), io.toString());
        }
    }

    /** Stops: refuses new requests, lets those in progress finish, stops the decoder, closes the policy. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        LOG.info("stopping: finishing the requests in progress (at most {} s)", STOP_GRACE_SECONDS);
        http.stop(STOP_GRACE_SECONDS);
        sampler.close();
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handlers.shutdownNow();
        }
        policy.close();
        LOG.info("stopped");
    }
}
