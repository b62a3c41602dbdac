package dev.dipr1.launcher;

import picocli.CommandLine.Option;

/** Where a service serves its metrics and health probes. */
public final class MetricsOptions {

    @Option(
            names = "--metrics-port",
            paramLabel = "N",
            defaultValue = "0",
            description = "Serve Prometheus metrics (/metrics) and Kubernetes probes (/healthz, /readyz) on this "
                    + "port (default: off).")
    int port;

    @Option(
            names = "--metrics-address",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "The address the metrics port binds to; 0.0.0.0 for a scraper or kubelet on another "
                    + "host (default: ${DEFAULT-VALUE}, this host only).")
    String address;

    /** The endpoint these options describe (no HTTP server when the port is 0). */
    MetricsEndpoint open() {
        return new MetricsEndpoint(port, address);
    }
}
