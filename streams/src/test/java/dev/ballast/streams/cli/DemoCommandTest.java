package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo}'s own options and its metrics port, refused before the demo writes or runs anything. */
class DemoCommandTest {

    @Test
    void aMetricsPortOutOfRangeIsRefusedWithTheOptionNamedBeforeAnythingIsWritten(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        Path out = dir.resolve("demo");
        int code = BallastCli.commandLine().setErr(new PrintWriter(err, true)).setOut(new PrintWriter(new StringWriter()))
                .execute("demo", "--out", out.toString(), "--metrics-port", "99999");
        assertEquals(2, code);
        assertTrue(err.toString().contains("metrics.port (--metrics-port): must be between -1 and 65535 (got 99999)"),
                err.toString());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void aMetricsPortInUseFailsInOneLineWithoutATraceBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            StringWriter err = new StringWriter();
            Path out = dir.resolve("demo");
            int code = BallastCli.commandLine().setErr(new PrintWriter(err, true))
                    .setOut(new PrintWriter(new StringWriter()))
                    .execute("demo", "--out", out.toString(), "--metrics-port", Integer.toString(taken.getLocalPort()));
            assertEquals(1, code);
            assertTrue(err.toString().startsWith("error: cannot serve /metrics on port " + taken.getLocalPort()),
                    err.toString());
            assertTrue(err.toString().contains("--metrics-port"), err.toString());
            assertEquals(1, err.toString().lines().count(), "one line, no stack trace: " + err);
            assertFalse(Files.exists(out), "nothing written");
        }
    }
}
