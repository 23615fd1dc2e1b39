package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.ProcessingWatcher;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.MonitorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two monitor instances of one application on a 4-partition input, each with its own state
 * directory. One is stopped while input is still arriving; the other takes over its partitions
 * (restoring their state from the changelogs) and the committed outputs equal those of a single
 * uninterrupted run: every per-agent alert, dead letter and gate decision exactly once.
 */
class ScaleOutTest {

    @Test
    void secondInstanceLeavesMidStreamAndTheFirstTakesOverItsPartitions(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "scale-out-test").with("topic.partitions", "4")
                    // A leaving member's partitions move at the next rebalance; a short session
                    // bounds it should the leave-group request be lost.
                    .with("streams.session.timeout.ms", "6000");
            TopicAdmin.ensure(config);
            ExactlyOnceScenario scenario = new ExactlyOnceScenario(57, config, kafka.bootstrapServers());
            int half = scenario.interactions() / 2;
            BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
            try (MonitorService first = new MonitorService(config.with("state.dir", dir.resolve("a").toString()), metrics);
                 MonitorService second = new MonitorService(config.with("state.dir", dir.resolve("b").toString()),
                         metrics)) {
                CompletableFuture<Void> both = CompletableFuture.allOf(
                        CompletableFuture.runAsync(() -> first.start(Duration.ofSeconds(90))),
                        CompletableFuture.runAsync(() -> second.start(Duration.ofSeconds(90))));
                both.get();
                scenario.producePolicies();
                scenario.produceInteractions(0, half);
                scenario.awaitCaughtUp(Duration.ofMinutes(2));
                assertTrue(first.tasks() > 0 && second.tasks() > 0,
                        "both instances had work: " + first.tasks() + " and " + second.tasks() + " tasks");

                CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
                    scenario.produceInteractions(half, scenario.interactions());
                    scenario.produceTrainingData();
                });
                second.close();
                rest.get();
                scenario.awaitCaughtUp(Duration.ofMinutes(3));
                assertEquals(KafkaStreams.State.RUNNING, first.state());
                // What a replay names when it waits on internal steps after its inputs are done.
                ProcessingWatcher.Progress signals = scenario.internalProgress().get(MonitorTopology.GROUP_SIGNALS);
                assertTrue(signals != null && signals.processed() > 0 && signals.processed() <= signals.total(),
                        "group signals worked through: " + scenario.internalProgress());
            }
            scenario.assertCommittedExactlyOnce();
        }
    }
}
