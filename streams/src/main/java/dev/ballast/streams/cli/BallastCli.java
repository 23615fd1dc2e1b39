package dev.ballast.streams.cli;

import dev.ballast.model.ModelSetupException;
import dev.ballast.streams.config.ConfigException;
import dev.ballast.streams.kafka.ClusterException;
import dev.ballast.streams.metrics.MetricsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./ballast <command>}: the entry point of every Ballast process. */
@Command(name = "ballast", mixinStandardHelpOptions = true, version = "ballast 0.1.0",
        description = "Keeps production LLM agents aligned: drift, tipping and diffusion detection on Kafka.",
        footer = {"", "Also: ./ballast evaluate --help  (scores detection against ground truth, side by side with MOA's "
                + "detectors; runs from the evaluation harness, which the application does not ship)."},
        subcommands = {DemoCommand.class, ReplayCommand.class, SimulateCommand.class, MonitorCommand.class,
                ModelRunnerCommand.class, CommandLine.HelpCommand.class})
public final class BallastCli {
    private static final Logger LOG = LoggerFactory.getLogger(BallastCli.class);

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new BallastCli())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ConfigException) {
                        cmd.getErr().println(e.getMessage());
                        return 2;
                    }
                    if (e instanceof IllegalArgumentException) {
                        cmd.getErr().println("error: " + e.getMessage());
                        return 2;
                    }
                    if (e instanceof ClusterException || e instanceof ModelSetupException
                            || e instanceof MetricsServer.PortUnavailableException) {
                        // Expected: the sentence says what to check; the trace is for debugging.
                        cmd.getErr().println("error: " + e.getMessage());
                        LOG.debug("expected failure", e);
                        return 1;
                    }
                    cmd.getErr().println("error: " + e.getMessage());
                    e.printStackTrace(cmd.getErr());
                    return 1;
                });
    }
}
