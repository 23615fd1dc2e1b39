package dev.ballast.streams.cli;

import picocli.CommandLine.Option;

/** Options of commands that run a replay ({@code replay}, {@code demo}). */
final class ReplayOptions {
    @Option(names = "--partitions", defaultValue = "1",
            description = "Partitions of the replay topics (default ${DEFAULT-VALUE}: exact file order; more runs "
                    + "tasks side by side, and group detection then sees turns out of order).")
    int partitions;
}
