package dev.dipr1.generator.engine;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP exchanges with one inference server: JSON posts with a deadline for the whole answer
 * (body included) and the health check. HTTP/1.1, which every server here speaks (vLLM and SGLang
 * run uvicorn; the JDK server behind {@code dipr1 serve}). Thread-safe.
 */
final class ServerCalls {

    /** The header in which {@code dipr1 serve} names the policy version that answered. */
    static final String POLICY_VERSION_HEADER = "X-Dipr1-Policy-Version";

    /**
     * A complete HTTP answer.
     *
     * @param status the status code
     * @param body the body, read whole
     * @param policyVersion the {@value #POLICY_VERSION_HEADER} header, if the server sent it
     */
    record Answer(int status, byte[] body, Optional<String> policyVersion) {}

    private final URI endpoint;
    private final HttpClient http;

    ServerCalls(URI endpoint, Duration connectTimeout) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    /** The server's base URL. */
    URI endpoint() {
        return endpoint;
    }

    /**
     * POSTs {@code json} to {@code path} and reads the whole answer within {@code timeout}.
     *
     * @throws IOException the connection failed or was dropped (before or during the answer)
     * @throws TimeoutException no complete answer within {@code timeout}; the exchange is abandoned
     */
    Answer post(String path, byte[] json, Duration timeout) throws IOException, TimeoutException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        return exchange(request, timeout);
    }

    /** Whether {@code GET /health} answers 200 within {@code timeout} (vLLM, SGLang and dipr1 serve have it). */
    boolean healthy(Duration timeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/health"))
                .timeout(timeout)
                .GET()
                .build();
        try {
            return exchange(request, timeout).status() == 200;
        } catch (IOException | TimeoutException e) {
            return false;
        }
    }

    /**
     * The policy version {@code GET /health} names in {@value #POLICY_VERSION_HEADER} ({@code dipr1
     * serve} does; vLLM and SGLang do not), if the server answers 200 within {@code timeout} with it.
     */
    java.util.OptionalLong servedVersion(Duration timeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/health"))
                .timeout(timeout)
                .GET()
                .build();
        try {
            Answer a = exchange(request, timeout);
            if (a.status() == 200 && a.policyVersion().isPresent()) {
                return java.util.OptionalLong.of(
                        Long.parseLong(a.policyVersion().get().strip()));
            }
        } catch (IOException | TimeoutException | NumberFormatException e) {
            // no version to be had now: the caller asks again later
        }
        return java.util.OptionalLong.empty();
    }

    private Answer exchange(HttpRequest request, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        // The request timeout covers the wait for the headers only; the deadline here covers the body too.
        CompletableFuture<HttpResponse<byte[]>> pending =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            response = pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new TimeoutException("no complete answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
        return new Answer(
                response.statusCode(),
                response.body() == null ? new byte[0] : response.body(),
                response.headers().firstValue(POLICY_VERSION_HEADER));
    }
}
