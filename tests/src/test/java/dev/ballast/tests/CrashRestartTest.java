package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.TopicDrain;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.ProcessingWatcher;

import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: the monitor fails in the middle of processing (its clock throws
 * while an alert is being built, so the open transaction holds uncommitted state and output), a new
 * instance restarts on the same state directory, and the committed alerts must be exactly those of
 * the reference run: nothing lost, nothing duplicated.
 */
class CrashRestartTest {

    /** A clock that fails once, on its {@code failAt}-th reading. */
    private static final class FailingClock extends Clock {
        private final AtomicInteger reads = new AtomicInteger();
        private final int failAt;

        FailingClock(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public Instant instant() {
            if (reads.incrementAndGet() == failAt) {
                throw new IllegalStateException("injected crash");
            }
            return Instant.now();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void crashAndRestartNeitherLosesNorDuplicatesAlerts(@TempDir Path dir) throws Exception {
        Scenario scenario = new Simulator(ScenarioSpec.defaults(40, 300, 5)
                .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(2, 1))).generate();
        BallastConfig defaults = BallastConfig.defaults();
        List<Alert> reference = OfflineRun.run(scenario.policyLines(), scenario.interactionLines(),
                new AgentMonitor(defaults.monitorSettings()), defaults.diffusion()).alerts();
        assertTrue(reference.size() > 20);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = defaults.with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "crash-test").with("state.dir", dir.toString())
                    .with("topic.partitions", "1")
                    // Streams does not leave its group on close: the restart waits out the dead
                    // member's session, so keep it at the broker's minimum.
                    .with("streams.session.timeout.ms", "6000");
            BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
            MonitorService first = new MonitorService(config, metrics, new FailingClock(reference.size() / 2));
            first.start(Duration.ofSeconds(60));
            produce(kafka.bootstrapServers(), config, scenario);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (first.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertNotNull(first.failure(), "the injected crash happened");
            first.close();

            try (MonitorService second = new MonitorService(config, metrics)) {
                second.start(Duration.ofSeconds(60));
                awaitCaughtUp(kafka.bootstrapServers(), config,
                        List.of(config.topics().interactions(), config.topics().policies()));
            }
            var deserializer = JsonSerde.of(Alert.class).deserializer();
            List<Alert> committed = TopicDrain.read(kafka.bootstrapServers(), Map.of(), config.topics().alerts(), Map.of(),
                    Duration.ofSeconds(30)).stream().map(r -> deserializer.deserialize("alerts", r.value())).toList();
            assertEquals(identities(reference), identities(committed));
        }
    }

    private static List<String> identities(List<Alert> alerts) {
        return alerts.stream().map(a -> a.type() + "|" + a.agentId() + "|" + a.groupId() + "|" + a.triggerEventId())
                .sorted().toList();
    }

    /**
     * Policies first, and only once the monitor holds every version (as replay and the other
     * exactly-once tests do): the monitor judges an interaction with the versions it has, and the
     * reference run had them all from the start.
     */
    private static void produce(String servers, BallastConfig config, Scenario scenario) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (String line : scenario.policyLines()) {
                producer.send(new ProducerRecord<>(config.topics().policies(), ReplayRunner.policyKey(bytes(line), 0), bytes(line)));
            }
            producer.flush();
            awaitCaughtUp(servers, config, List.of(config.topics().policies()));
            for (String line : scenario.interactionLines()) {
                producer.send(new ProducerRecord<>(config.topics().interactions(), null, bytes(line)));
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitCaughtUp(String servers, BallastConfig config, List<String> topics) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (Admin admin = Admin.create(p);
             ProcessingWatcher watcher = new ProcessingWatcher(admin, servers, Map.of(), config.applicationId())) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!watcher.caughtUp(topics)) {
                assertTrue(System.nanoTime() < deadline, "monitor did not catch up after the restart");
                Thread.sleep(100);
            }
        }
    }
}
