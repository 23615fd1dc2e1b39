package dev.ballast.streams.cli;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.metrics.MetricsServer;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole system in one JVM: embedded broker, the ATP simulator, every processor, a summary
 * scored against the simulator's ground truth, {@code /metrics} and {@code report.html}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the simulator through an embedded Kafka broker and every processor; print a summary, "
                + "serve /metrics and write report.html.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR",
            description = "Where inputs and outputs go (default ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    ScenarioOptions scenarioOptions;

    @Mixin
    ReplayOptions replayOptions;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Port for /metrics (default: metrics.port, 9464; 0 = any free port, -1 = off).")
    Integer metricsPort;

    @Option(names = "--keep-running", description = "Keep serving /metrics after the run until interrupted.")
    boolean keepRunning;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws InterruptedException {
        BallastConfig loaded = replayOptions.applyTo(configOptions.load());
        // Checked like metrics.port from any other source, and named as the flag that set it.
        BallastConfig config = metricsPort == null ? loaded
                : loaded.with("metrics.port", metricsPort.toString(), "--metrics-port");
        ScenarioSpec spec = scenarioOptions.spec(42, 150, 6, 3);
        int port = config.metricsPort();
        // Bound first: a port another process holds (a demo already running) fails the demo before
        // it writes anything.
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsServer server = port < 0 ? null : MetricsServer.start(registry, port, "metrics.port (--metrics-port)");
        try {
            OutputDirectory.prepare(out);
            Scenario scenario = new Simulator(spec).generate();
            Path inputDir = out.resolve("input");
            ScenarioFiles.write(scenario, inputDir);
            System.out.printf("Ballast demo: %d agents and %d groups of %d, %d rounds (seed %d), scenario in %s%n",
                    spec.agents(), spec.groups().contagious() + spec.groups().control(), spec.groups().size(),
                    spec.rounds(), spec.seed(), inputDir);
            if (server != null) {
                System.out.printf("metrics: http://localhost:%d/metrics%n", server.port());
            }
            ReplayInputs inputs = ReplayInputs.read(inputDir);
            RunReport.replay("demo", config, inputs, new BallastMetrics(registry), scenario.truth(), out);
            System.out.println("  report          " + out.resolve("report.html").toAbsolutePath());
            if (server != null && keepRunning) {
                System.out.printf("serving http://localhost:%d/metrics until interrupted (Ctrl-C)%n", server.port());
                Thread.currentThread().join();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
        return 0;
    }
}
