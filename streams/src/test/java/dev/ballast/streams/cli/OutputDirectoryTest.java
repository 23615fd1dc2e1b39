package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputDirectoryTest {

    @Test
    void aMissingDirectoryIsCreatedAndAFileIsRefused(@TempDir Path dir) throws Exception {
        Path nested = dir.resolve("a/b/c");
        assertEquals(nested, OutputDirectory.prepare(nested));
        assertTrue(Files.isDirectory(nested));
        Path file = Files.writeString(dir.resolve("report.txt"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputDirectory.prepare(file));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OutputDirectory.prepare(file.resolve("under-a-file")));
    }

    @Test
    void everyCommandChecksItsOutputBeforeItStarts(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.writeString(input.resolve("interactions.jsonl"),
                "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}\n");
        for (String[] args : new String[][]{
                {"replay", "--input", input.toString(), "--out", file.toString()},
                {"demo", "--out", file.toString(), "--metrics-port", "-1"},
                {"simulate", "--out", file.toString()}}) {
            StringWriter err = new StringWriter();
            int exit = BallastCli.commandLine().setErr(new PrintWriter(err, true))
                    .setOut(new PrintWriter(new StringWriter())).execute(args);
            assertEquals(2, exit, args[0] + ": " + err);
            assertEquals(1, err.toString().lines().filter(l -> !l.isBlank()).count(), args[0] + ": " + err);
            assertTrue(err.toString().startsWith("error: --out " + file + " is a file"), err.toString());
        }
    }
}
