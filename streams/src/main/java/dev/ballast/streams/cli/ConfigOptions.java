package dev.ballast.streams.cli;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.config.ConfigException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every Kafka-facing command shares: a properties file and a cluster override. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Kafka-style properties file; BALLAST_* environment variables override it.")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS",
            description = "External Kafka cluster; without it demo and replay run an embedded broker.")
    String bootstrapServers;

    BallastConfig load() {
        BallastConfig config = BallastConfig.load(configFile, System.getenv());
        return bootstrapServers == null ? config : config.with("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
    }

    /** The configuration of a long-running {@code command}, which needs a real cluster. */
    BallastConfig loadForCluster(String command, String embeddedAlternative) {
        BallastConfig config = load();
        if (config.embedded()) {
            throw new ConfigException(command + " needs a cluster: set bootstrap.servers in the config file, "
                    + "BALLAST_BOOTSTRAP_SERVERS, or --bootstrap-servers" + embeddedAlternative);
        }
        return config;
    }
}
