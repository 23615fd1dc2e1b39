package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster commands against an address where no broker listens, and one that does not
 * resolve: each fails within about 15 s with one line naming the servers it tried and what to
 * check, and exit code 1 (today's behaviour before this: 60 s of silence, then a stack trace).
 */
class UnreachableClusterTest {

    /** What one command printed on stderr, its exit code and how long it took. */
    record Outcome(String command, int exit, String err, double seconds) {
    }

    @Test
    void clusterCommandsFailFastWithOneLineNamingTheServers(@TempDir Path dir) throws Exception {
        Path input = Files.createDirectories(dir.resolve("in"));
        Files.writeString(input.resolve("interactions.jsonl"),
                "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}\n");
        String servers = "localhost:" + closedPort();
        List<String[]> commands = List.of(
                new String[]{"monitor", "--bootstrap-servers", servers},
                new String[]{"model-runner", "--bootstrap-servers", servers},
                new String[]{"replay", "--input", input.toString(), "--out", dir.resolve("out").toString(),
                        "--bootstrap-servers", servers},
                new String[]{"monitor", "--bootstrap-servers", "no-such-host.invalid:9092"});
        ExecutorService pool = Executors.newFixedThreadPool(commands.size());
        try {
            List<Future<Outcome>> running = commands.stream().map(args -> pool.submit(() -> run(args))).toList();
            for (int i = 0; i < commands.size(); i++) {
                Outcome o = running.get(i).get();
                String tried = commands.get(i)[commands.get(i).length - 1];
                assertEquals(1, o.exit(), o.toString());
                List<String> lines = o.err().lines().filter(l -> !l.isBlank()).toList();
                assertEquals(1, lines.size(), "one line, no stack trace: " + o);
                assertTrue(lines.get(0).startsWith("error: ") && lines.get(0).contains(tried), o.toString());
                assertTrue(lines.get(0).contains("check bootstrap.servers"), o.toString());
                assertTrue(o.seconds() < 25, "fails fast: " + o);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome run(String[] args) {
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int exit = BallastCli.commandLine().setErr(new PrintWriter(err, true)).setOut(new PrintWriter(new StringWriter()))
                .execute(args);
        return new Outcome(args[0], exit, err.toString(), (System.nanoTime() - start) / 1e9);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
