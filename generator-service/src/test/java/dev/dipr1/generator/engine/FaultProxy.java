package dev.dipr1.generator.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK HTTP server in front of a real inference server that forwards everything, except that the
 * next chat requests get the faults planned for them, in order: too slow, HTTP 500, a dropped
 * connection, a body cut short, fewer choices than n, a positive log-prob. It can also be "down"
 * (every connection dropped, {@code /health} included) and fail the next weights updates.
 */
final class FaultProxy implements AutoCloseable {

    /** What happens to one chat request. */
    enum Fault {
        /** Forwarded untouched: the answer to a retry. */
        PASS,
        /** Answered only after {@link #slowBy}, long after the engine's timeout. */
        SLOW,
        /** HTTP 500 with an OpenAI error body. */
        HTTP_500,
        /** The connection is closed without an answer. */
        DROP,
        /** The real answer's headers and half its body, then the connection is closed. */
        TRUNCATED,
        /** The real answer without its last choice. */
        FEWER_CHOICES,
        /** The real answer with a log-prob of +0.5. */
        BAD_LOGPROBS,
        /** The real answer without its top-level {@code prompt_token_ids}. */
        NO_PROMPT_IDS
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI target;
    private final Duration slowBy;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final Queue<Fault> plan = new ConcurrentLinkedQueue<>();
    private final AtomicInteger chatRequests = new AtomicInteger();
    private final AtomicInteger updateRequests = new AtomicInteger();
    private final AtomicInteger failUpdates = new AtomicInteger();
    private final List<String> faultsApplied = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean down;

    FaultProxy(URI target, Duration slowBy) throws IOException {
        this.target = target;
        this.slowBy = slowBy;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers); // a slow answer must not hold up the next request
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The next chat requests get these faults, one each, in this order. */
    void plan(Fault... faults) {
        plan.addAll(List.of(faults));
    }

    /** Faults planned and not yet applied. */
    int pending() {
        return plan.size();
    }

    /** While down, every connection is dropped ({@code /health} too). */
    void down(boolean isDown) {
        this.down = isDown;
    }

    /** The next {@code n} weights updates get HTTP 500. */
    void failUpdates(int n) {
        failUpdates.set(n);
    }

    int chatRequests() {
        return chatRequests.get();
    }

    int updateRequests() {
        return updateRequests.get();
    }

    List<String> faultsApplied() {
        return List.copyOf(faultsApplied);
    }

    private void handle(HttpExchange ex) {
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            if (down) {
                return; // closed without an answer
            }
            if (path.equals("/update_weights_from_disk")) {
                updateRequests.incrementAndGet();
                if (failUpdates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    answer(ex, 500, "{\"error\":{\"message\":\"injected update failure\",\"type\":\"server_error\"}}");
                    return;
                }
            }
            if (!path.equals("/v1/chat/completions")) {
                relay(ex, forward(ex, path, body), null);
                return;
            }
            chatRequests.incrementAndGet();
            Fault fault = plan.poll();
            if (fault == null) {
                relay(ex, forward(ex, path, body), null);
                return;
            }
            faultsApplied.add(fault.name());
            switch (fault) {
                case PASS -> relay(ex, forward(ex, path, body), null);
                case SLOW -> {
                    sleep(slowBy);
                    relay(ex, forward(ex, path, body), null);
                }
                case HTTP_500 ->
                    answer(
                            ex,
                            500,
                            "{\"error\":{\"message\":\"injected failure\",\"type\":\"server_error\",\"code\":500}}");
                case DROP -> {
                    // closed without an answer
                }
                case TRUNCATED -> {
                    HttpResponse<byte[]> r = forward(ex, path, body);
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(r.statusCode(), r.body().length);
                    OutputStream out = ex.getResponseBody();
                    out.write(r.body(), 0, r.body().length / 2);
                    out.flush();
                    // closing now leaves the declared length unmet: the client sees the connection end mid-body
                }
                case FEWER_CHOICES ->
                    relay(ex, forward(ex, path, body), root -> {
                        ArrayNode choices = (ArrayNode) root.get("choices");
                        choices.remove(choices.size() - 1);
                    });
                case BAD_LOGPROBS ->
                    relay(
                            ex,
                            forward(ex, path, body),
                            root -> ((ObjectNode) root.at("/choices/0/logprobs/content/0")).put("logprob", 0.5));
                case NO_PROMPT_IDS -> relay(ex, forward(ex, path, body), root -> root.remove("prompt_token_ids"));
            }
        } catch (IOException e) {
            // the client gave up (a slow answer after its timeout), or a cut answer: nothing to do
        } finally {
            ex.close(); // before any answer: the connection is dropped; mid-body: the answer is cut short
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange ex, String path, byte[] body) throws IOException {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(target + path)).timeout(Duration.ofMinutes(2));
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type != null) {
            b.header("Content-Type", type);
        }
        b.method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Sends the server's answer on, its JSON changed by {@code change} when given. */
    private static void relay(HttpExchange ex, HttpResponse<byte[]> r, java.util.function.Consumer<ObjectNode> change)
            throws IOException {
        byte[] body = r.body();
        if (change != null && r.statusCode() == 200) {
            ObjectNode root = (ObjectNode) JSON.readTree(body);
            change.accept(root);
            body = JSON.writeValueAsBytes(root);
        }
        r.headers()
                .firstValue("Content-Type")
                .ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
        r.headers()
                .firstValue(ServerCalls.POLICY_VERSION_HEADER)
                .ifPresent(v -> ex.getResponseHeaders().set(ServerCalls.POLICY_VERSION_HEADER, v));
        ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
