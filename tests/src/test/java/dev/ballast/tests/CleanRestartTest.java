package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.TopicDrain;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.topology.GateTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
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
            String decided = config.applicationId() + "-" + GateTopology.DECIDED_STORE + "-changelog";
            runUntilEveryGateTaskMarked(config, decided);
            String restartLog = StandardError.capturing(() -> {
                LOG.warn("restarting the monitor");
                runUntilEveryGateTaskMarked(config, decided);
                return null;
            });
            // Kafka Streams logs through the same logger as this test: its warnings would be here.
            assertTrue(restartLog.contains("restarting the monitor"), "the log was not captured");
            assertFalse(restartLog.contains("TaskCorruptedException"),
                    "a clean restart found tasks corrupted:\n" + restartLog);
        }
    }

    /**
     * Starts the monitor, waits until each gate task, running, has marked its empty decided store's
     * changelog (after its start, so after any corruption its start found), and stops it cleanly.
     */
    private static void runUntilEveryGateTaskMarked(BallastConfig config, String changelog) {
        Map<TopicPartition, Long> before = endOffsets(config, changelog);
        try (MonitorService monitor = new MonitorService(config, new BallastMetrics(new SimpleMeterRegistry()))) {
            monitor.start(Duration.ofSeconds(90));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!grewEverywhere(before, endOffsets(config, changelog))) {
                assertTrue(System.nanoTime() < deadline, "the gate tasks never marked " + changelog);
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The committed end offsets of {@code topic}'s partitions; none before the monitor created it. */
    private static Map<TopicPartition, Long> endOffsets(BallastConfig config, String topic) {
        try (Admin admin = Admin.create(MonitorService.adminProps(config))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return Map.of();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return TopicDrain.endOffsets(config.bootstrapServers(), config.clientOverrides(), topic, Duration.ofSeconds(10));
    }

    private static boolean grewEverywhere(Map<TopicPartition, Long> before, Map<TopicPartition, Long> now) {
        return !now.isEmpty() && now.entrySet().stream().allMatch(e -> e.getValue() > before.getOrDefault(e.getKey(), 0L));
    }
}
