package dev.ballast.tests;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator switching {@code monitor.agent.store} keeps every agent's state: one instance on one
 * state directory works through a third of the interactions with RocksDB, a third in memory (its
 * agents read back from the changelog), and the rest with RocksDB again (its files still hold the
 * first third's state, the changelog the second's). The committed outputs equal an uninterrupted
 * run's: no agent learns its baseline again, no alert is lost or repeated.
 */
class AgentStoreSwitchTest {

    @Test
    void switchingTheAgentStoreBackAndForthKeepsEveryAgentsState(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "store-switch-test").with("topic.partitions", "4")
                    .with("state.dir", dir.toString());
            TopicAdmin.ensure(config);
            ExactlyOnceScenario scenario = new ExactlyOnceScenario(31, config, kafka.bootstrapServers());
            int n = scenario.interactions();
            List<String> stores = List.of("rocksdb", "in-memory", "rocksdb");
            for (int part = 0; part < stores.size(); part++) {
                BallastConfig phase = config.with("monitor.agent.store", stores.get(part));
                try (MonitorService monitor = new MonitorService(phase, new BallastMetrics(new SimpleMeterRegistry()))) {
                    monitor.start(Duration.ofSeconds(90));
                    if (part == 0) {
                        scenario.producePolicies();
                    }
                    scenario.produceInteractions(n * part / stores.size(), n * (part + 1) / stores.size());
                    if (part == stores.size() - 1) {
                        scenario.produceTrainingData();
                    }
                    scenario.awaitCaughtUp(Duration.ofMinutes(2));
                }
            }
            scenario.assertCommittedExactlyOnce();
        }
    }
}
