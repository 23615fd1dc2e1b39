package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StopNoticeTest {
    /** A command stopped while it runs (argument "stopped") or one that finishes (any other). */
    public static void main(String[] args) throws Exception {
        try (StopNotice notice = new StopNotice("replay", Path.of("out"), System.err)) {
            System.out.println("running");
            if (args[0].equals("stopped")) {
                Thread.sleep(60_000);
            }
        }
    }

    @Test
    void aCommandStoppedWhileItRunsSaysItsOutputsAreIncomplete(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("stderr");
        Process p = child("stopped", err);
        try (BufferedReader out = reader(p)) {
            assertEquals("running", out.readLine());
            p.destroy(); // SIGTERM, which runs the shutdown hooks as Ctrl-C's SIGINT does
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String said = Files.readString(err);
            assertTrue(said.startsWith("replay: stopped before it finished; the outputs in out are missing or incomplete"),
                    said);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aCommandThatFinishesSaysNothing(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("stderr");
        Process p = child("finishes", err);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals("", Files.readString(err));
    }

    private static Process child(String mode, Path err) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), StopNoticeTest.class.getName(), mode)
                .redirectError(err.toFile()).start();
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }
}
