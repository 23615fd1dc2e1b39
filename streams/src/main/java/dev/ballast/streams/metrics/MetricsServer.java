package dev.ballast.streams.metrics;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serves {@code /metrics} for Prometheus from a Micrometer registry, using the Prometheus client's
 * server, with the process's own JVM meters (heap and its pools, GC pauses, threads, CPU) beside
 * Ballast's: a monitor keeping agent state in memory ({@code monitor.agent.store=in-memory}) grows
 * its heap with every new agent, and a scrape is where an operator sees that coming.
 */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;
    private final JvmGcMetrics gc;

    private MetricsServer(HTTPServer server, JvmGcMetrics gc) {
        this.server = server;
        this.gc = gc;
    }

    /**
     * Starts on {@code port} (0 picks a free one) on all interfaces; {@code setting} names where
     * the port came from, for the error when it is taken.
     */
    public static MetricsServer start(PrometheusMeterRegistry registry, int port, String setting) {
        HTTPServer server;
        try {
            server = HTTPServer.builder().port(port).registry(registry.getPrometheusRegistry()).buildAndStart();
        } catch (IOException e) {
            throw new PortUnavailableException("cannot serve /metrics on port " + port + " (" + e.getMessage()
                    + "); set " + setting + " to a free port, 0 for any, or -1 to disable", e);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new MetricsServer(server, gc);
    }

    /** The port is taken or may not be bound: the operator's to change, so no stack trace is shown. */
    public static final class PortUnavailableException extends UncheckedIOException {
        PortUnavailableException(String message, IOException cause) {
            super(message, cause);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
        // Its GC notification listeners outlive the server otherwise.
        gc.close();
    }
}
