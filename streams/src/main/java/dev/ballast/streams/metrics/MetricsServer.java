package dev.ballast.streams.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Serves {@code /metrics} for Prometheus from a Micrometer registry, using the Prometheus client's server. */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /** Starts on {@code port} (0 picks a free one) on all interfaces. */
    public static MetricsServer start(PrometheusMeterRegistry registry, int port) {
        try {
            return new MetricsServer(HTTPServer.builder().port(port)
                    .registry(registry.getPrometheusRegistry()).buildAndStart());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve /metrics on port " + port + " (" + e.getMessage()
                    + "); set metrics.port to a free port, 0 for any, or -1 to disable", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
