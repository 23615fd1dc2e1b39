package dev.ballast.streams.cli;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.ClusterCheck;
import dev.ballast.streams.kafka.ClusterWatch;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The long-running monitor against a real cluster; stops cleanly on SIGTERM. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = "Run the monitor (drift, tipping and diffusion detection), the fine-tuning gate, preference "
                + "triage and the re-alignment trigger against a Kafka cluster until stopped.")
final class MonitorCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws InterruptedException {
        BallastConfig config = configOptions.loadForCluster("monitor", "");
        ClusterCheck.require(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServer server = config.metricsPort() < 0 ? null : MetricsServer.start(registry, config.metricsPort(),
                "metrics.port");
        MonitorService monitor = new MonitorService(config, new BallastMetrics(registry));
        ClusterWatch clusterWatch = ClusterWatch.start(config, "monitor " + config.applicationId(), registry);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long t0 = System.nanoTime();
            clusterWatch.close();
            monitor.close();
            if (server != null) {
                server.close();
            }
            // Said, so that a log ending here reads as a clean stop and not as a crash.
            System.out.printf(Locale.ROOT, "monitor %s stopped in %.1f s; a restart goes on from its last commit%n",
                    config.applicationId(), (System.nanoTime() - t0) / 1e9);
            stopped.countDown();
        }, "ballast-shutdown"));
        monitor.start(Duration.ofMinutes(5));
        // In memory, a start reads every agent's state back from the changelog first: say which it is.
        System.out.printf("monitor %s running against %s, %d stream thread(s)%s%s%n", config.applicationId(),
                config.bootstrapServers(), monitor.streamThreads(),
                config.agentStore() == BallastConfig.AgentStore.IN_MEMORY ? ", agent state in memory" : "",
                server == null ? "" : ", metrics on :" + server.port() + "/metrics");
        monitor.awaitFailure();
        stopped.countDown();
        return monitor.failure() == null ? 0 : 1;
    }
}
