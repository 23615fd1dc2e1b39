package dev.ballast.streams.cli;

import dev.ballast.streams.config.BallastConfig;
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
        return bootstrapServers == null ? config : config.with("bootstrap.servers", bootstrapServers);
    }
}
