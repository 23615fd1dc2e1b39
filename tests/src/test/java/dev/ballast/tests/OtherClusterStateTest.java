package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor started on a state directory that another Kafka cluster's changelogs built (a demo's,
 * a cluster moved or rebuilt) starts from empty state, at once and with one warning: the
 * directory's stores describe agents of the other cluster, and their checkpointed changelog
 * offsets mean nothing on this one. Left to Kafka Streams, each task found its offsets out of
 * range, was taken for corrupted and wiped with an error and stack traces, and where this
 * cluster's changelog was longer than the checkpoint, the old agents' states would have been
 * kept and read on top of.
 */
class OtherClusterStateTest {

    @Test
    void stateBuiltOnAnotherClusterIsDroppedBeforeTheMonitorStarts(@TempDir Path dir) throws Exception {
        BallastConfig base = BallastConfig.defaults().with("application.id", "other-cluster-test")
                .with("topic.partitions", "2").with("state.dir", dir.toString());
        try (EmbeddedKafka first = EmbeddedKafka.start()) {
            BallastConfig config = base.with("bootstrap.servers", first.bootstrapServers());
            TopicAdmin.ensure(config);
            ExactlyOnceScenario scenario = new ExactlyOnceScenario(37, config, first.bootstrapServers());
            try (MonitorService monitor = new MonitorService(config, new BallastMetrics(new SimpleMeterRegistry()))) {
                monitor.start(Duration.ofSeconds(90));
                scenario.producePolicies();
                scenario.produceInteractions(0, scenario.interactions() / 2);
                scenario.awaitCaughtUp(Duration.ofMinutes(2));
            }
        }
        try (EmbeddedKafka second = EmbeddedKafka.start()) {
            BallastConfig config = base.with("bootstrap.servers", second.bootstrapServers());
            TopicAdmin.ensure(config);
            ExactlyOnceScenario scenario = new ExactlyOnceScenario(37, config, second.bootstrapServers());
            String log = StandardError.capturing(() -> {
                try (MonitorService monitor = new MonitorService(config, new BallastMetrics(new SimpleMeterRegistry()))) {
                    monitor.start(Duration.ofSeconds(90));
                    scenario.producePolicies();
                    scenario.produceInteractions(0, scenario.interactions());
                    scenario.produceTrainingData();
                    scenario.awaitCaughtUp(Duration.ofMinutes(2));
                }
                return null;
            });
            scenario.assertCommittedExactlyOnce();
            assertFalse(log.contains("TaskCorruptedException"), "tasks were taken for corrupted:\n" + log);
            assertTrue(log.contains("built from another Kafka cluster"), "no warning that the state was dropped:\n" + log);
        }
    }
}
