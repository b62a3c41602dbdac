package dev.dipr1.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void probesFollowTheServicesState() throws Exception {
        AtomicReference<String> dead = new AtomicReference<>();
        AtomicReference<String> waiting = new AtomicReference<>("taking its start positions");
        try (MetricsEndpoint e = new MetricsEndpoint(freePort(), "127.0.0.1")) {
            int port = e.boundPort();
            assertEquals(503, get(port, "/readyz").statusCode(), "not ready before the service says so");
            assertEquals(200, get(port, "/healthz").statusCode());
            e.health(new MetricsEndpoint.Health() {
                @Override
                public String deadReason() {
                    return dead.get();
                }

                @Override
                public String notReadyReason() {
                    return waiting.get();
                }
            });
            HttpResponse<String> r = get(port, "/readyz");
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("start positions"), r.body());
            waiting.set(null);
            assertEquals(200, get(port, "/readyz").statusCode());
            dead.set("Kafka Streams state ERROR");
            assertEquals(503, get(port, "/healthz").statusCode());
            assertEquals(503, get(port, "/readyz").statusCode(), "a dead service is not ready either");
            assertEquals(200, get(port, "/metrics").statusCode());
        }
    }

    @Test
    void aRewardStreamIsReadyOnlyWhenRunningAndDeadInError() {
        assertNull(RewardsCommand.health(() -> KafkaStreams.State.RUNNING).notReadyReason());
        assertNull(RewardsCommand.health(() -> KafkaStreams.State.REBALANCING).deadReason());
        assertTrue(RewardsCommand.health(() -> KafkaStreams.State.REBALANCING)
                .notReadyReason()
                .contains("REBALANCING"));
        assertTrue(RewardsCommand.health(() -> KafkaStreams.State.ERROR)
                .deadReason()
                .contains("ERROR"));
    }

    @Test
    void aBadPortOrAddressSaysWhichOption() throws Exception {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new MetricsEndpoint(70000, "127.0.0.1"));
        assertTrue(e.getMessage().contains("--metrics-port"), e.getMessage());
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            RuntimeException r =
                    assertThrows(RuntimeException.class, () -> new MetricsEndpoint(taken.getLocalPort(), "127.0.0.1"));
            assertTrue(r.getMessage().contains("--metrics-address"), r.getMessage());
        }
    }
}
