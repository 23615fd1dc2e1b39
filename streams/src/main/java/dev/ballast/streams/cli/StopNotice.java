package dev.ballast.streams.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Says, if the JVM is stopped (Ctrl-C, SIGTERM) while a command that writes {@code --out} is still
 * running, that its outputs are missing or incomplete: the command otherwise ends without a word,
 * and a half-written out directory could be taken for a finished run. Closed once the outputs are
 * written.
 */
final class StopNotice implements AutoCloseable {
    private final Thread hook;

    StopNotice(String command, Path out, PrintStream err) {
        this.hook = new Thread(() -> err.println(command + ": stopped before it finished; the outputs in " + out
                + " are missing or incomplete (its temporary broker and state are removed by the next run)"),
                command + "-stop-notice");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already stopping: the notice runs, and it is true.
        }
    }
}
