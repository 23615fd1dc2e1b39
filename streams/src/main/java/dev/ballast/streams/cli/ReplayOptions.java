package dev.ballast.streams.cli;

import dev.ballast.streams.config.BallastConfig;
import picocli.CommandLine.Option;

/** Options of commands that run a replay ({@code replay}, {@code demo}). */
final class ReplayOptions {
    @Option(names = "--partitions",
            description = "Partitions of the replay topics (default: topic.partitions, 4). Alerts are the same at any "
                    + "count: group signals are judged in event-time order.")
    Integer partitions;

    /** {@code config} with the replay topics' partition count, if one was given. */
    BallastConfig applyTo(BallastConfig config) {
        return partitions == null ? config : config.with("topic.partitions", partitions.toString(), "--partitions");
    }
}
