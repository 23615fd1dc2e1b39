package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A monitor stopped cleanly starts again on its state directory without Kafka Streams taking any
 * task's state for corrupted. Under exactly-once a corrupted task is wiped, read back from its
 * changelog and rebalanced, with an error and stack traces in the log: what Kafka Streams 4.3 did
 * to the gate's tasks at every restart while the gate had decided no sample (its window store,
 * never written, had no changelog offset). Here the gate has no candidates at all.
 */
class CleanRestartTest {
    private static final Logger LOG = LoggerFactory.getLogger(CleanRestartTest.class);

    @Test
    void aCleanRestartFindsNoTaskCorrupted(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "clean-restart-test").with("topic.partitions", "2")
                    .with("state.dir", dir.toString());
            TopicAdmin.ensure(config);
            runFor(config, Duration.ofSeconds(4));
            String restartLog = capturingStandardError(() -> {
                LOG.warn("restarting the monitor");
                runFor(config, Duration.ofSeconds(6));
            });
            // Kafka Streams logs through the same logger as this test: its warnings would be here.
            assertTrue(restartLog.contains("restarting the monitor"), "the log was not captured");
            assertFalse(restartLog.contains("TaskCorruptedException"),
                    "a clean restart found tasks corrupted:\n" + restartLog);
        }
    }

    /** Starts the monitor, lets it run (its tasks commit every 100 ms) and stops it cleanly. */
    private static void runFor(BallastConfig config, Duration time) {
        try (MonitorService monitor = new MonitorService(config, new BallastMetrics(new SimpleMeterRegistry()))) {
            monitor.start(Duration.ofSeconds(90));
            Thread.sleep(time.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What {@code run} and every thread it starts write to standard error, still shown as usual. */
    private static String capturingStandardError(Runnable run) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                captured.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                captured.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
