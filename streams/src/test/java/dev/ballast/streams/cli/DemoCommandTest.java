package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo}'s own options, refused before the demo writes or runs anything. */
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
}
