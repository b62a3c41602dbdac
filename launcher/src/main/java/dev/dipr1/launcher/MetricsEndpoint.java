package dev.dipr1.launcher;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Prometheus scrape endpoint ({@code GET /metrics}) over a Micrometer registry, and the
 * Kubernetes probes of the service: {@code GET /healthz} (liveness: 503 once the service can no
 * longer work, so the kubelet restarts it) and {@code GET /readyz} (readiness: 503 until it does
 * its job), both from the service's own state ({@link #health}).
 */
final class MetricsEndpoint implements AutoCloseable {

    /** What the probes report; until a service sets one, the process is live but not ready. */
    interface Health {
        /** Null while the service can work, else why it cannot. */
        String deadReason();

        /** Null when it does its job, else what it waits for. */
        String notReadyReason();
    }

    private static final Health STARTING = new Health() {
        @Override
        public String deadReason() {
            return null;
        }

        @Override
        public String notReadyReason() {
            return "starting";
        }
    };

    private volatile Health health = STARTING;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpServer server;

    /** Port 0 (or negative) disables the HTTP server but keeps the registry. */
    MetricsEndpoint(int port, String address) {
        if (port <= 0) {
            server = null;
            return;
        }
        if (port > 65535) {
            throw new IllegalArgumentException("--metrics-port must be a port in 1..65535 (or 0: off), was " + port);
        }
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve metrics on " + address + ":" + port
                            + ": choose another --metrics-port or --metrics-address",
                    e);
        }
        server.createContext("/healthz", exchange -> {
            String dead = health.deadReason();
            respond(exchange, dead == null ? 200 : 503, dead == null ? "live" : dead);
        });
        server.createContext("/readyz", exchange -> {
            String dead = health.deadReason();
            String waiting = dead != null ? dead : health.notReadyReason();
            respond(exchange, waiting == null ? 200 : 503, waiting == null ? "ready" : waiting);
        });
        server.createContext("/metrics", exchange -> {
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        LOG.info("Prometheus metrics on http://{}:{}/metrics, probes /healthz and /readyz", address, port);
    }

    /** The port the server listens on (for tests that bind port 0 of the OS), or -1 without a server. */
    int boundPort() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    /** From now on the probes ask {@code h}. */
    void health(Health h) {
        this.health = h;
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String text)
            throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        registry.close();
    }
}
