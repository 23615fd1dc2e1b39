package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.cli.BallastCli;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The monitor as its own process ({@code ballast monitor}) on 4 partitions, killed with SIGKILL
 * while it works through the second half of the interactions, then started again on the same
 * state directory. A read_committed reader then finds every expected alert, dead letter and gate
 * decision exactly once: the killed process's open transaction is aborted, the restart resumes
 * from the last commit with the agents' state as it was (no re-alert storm, no lost episode).
 * Once with each agent store: the in-memory one has nothing on disk to start from, so its restart
 * reads the agents' state back from the changelog alone.
 */
class SigkillRestartTest {

    @ParameterizedTest(name = "monitor.agent.store={0}")
    @ValueSource(strings = {"rocksdb", "in-memory"})
    void killedMidStreamAndRestartedNothingLostNothingRepeated(String agentStore, @TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Path properties = dir.resolve("monitor.properties");
            Files.writeString(properties, String.join("\n", "bootstrap.servers=" + kafka.bootstrapServers(),
                    "application.id=sigkill-test", "state.dir=" + dir.resolve("state"), "topic.partitions=4",
                    "metrics.port=-1", "monitor.agent.store=" + agentStore,
                    // The killed member never leaves its group: the restart waits out its session,
                    // so keep that at the broker's minimum.
                    "streams.session.timeout.ms=6000", ""));
            BallastConfig config = BallastConfig.load(properties, Map.of());
            TopicAdmin.ensure(config);
            ExactlyOnceScenario scenario = new ExactlyOnceScenario(23, config, kafka.bootstrapServers());
            int half = scenario.interactions() / 2;

            Process first = monitor(properties, dir.resolve("first.log"));
            assertEquals(agentStore.equals("in-memory"),
                    Files.readString(dir.resolve("first.log")).contains("agent state in memory"), "the store in use");
            scenario.producePolicies();
            scenario.produceInteractions(0, half);
            scenario.awaitCaughtUp(Duration.ofMinutes(2));
            scenario.produceInteractions(half, scenario.interactions());
            scenario.produceTrainingData();
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the monitor died");
            double share = scenario.committedShare();
            assertTrue(share < 1.0, "killed mid-stream, with " + share + " of the interactions committed");

            Process second = monitor(properties, dir.resolve("second.log"));
            try {
                scenario.awaitCaughtUp(Duration.ofMinutes(3));
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            scenario.assertCommittedExactlyOnce();
            assertTrue(Files.readString(dir.resolve("second.log")).contains("monitor sigkill-test stopped in "),
                    "a SIGTERM ends the log with a clean stop, not as a crash would");
        }
    }

    /** {@code ballast monitor} in a JVM of its own, running once it says so. */
    private static Process monitor(Path properties, Path log) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BallastCli.class.getName(), "monitor",
                "--config", properties.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.readString(log).contains("running against")) {
            assertTrue(process.isAlive(), () -> "the monitor exited: " + read(log));
            assertTrue(System.nanoTime() < deadline, () -> "the monitor did not start: " + read(log));
            Thread.sleep(100);
        }
        return process;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
