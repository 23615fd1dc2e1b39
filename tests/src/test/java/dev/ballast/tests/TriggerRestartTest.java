package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.TopicDrain;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.kafka.EmbeddedKafka;
import dev.ballast.streams.kafka.MonitorService;

import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSimulation;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger across a restart: it creates the triage-conflicts job for the new policy version
 * from the first half of the preference data; the service stops and its local state is wiped (so
 * it is restored from the changelog); the second half brings more conflicts and the policies are
 * re-sent. Exactly one job for (TRIAGE_CONFLICTS, new version) is committed.
 */
class TriggerRestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void triggerCreatesOneJobPerReasonAndVersionAcrossARestart(@TempDir Path dir) throws Exception {
        Scenario scenario = new Simulator(ScenarioSpec.defaults(5, 100, 11).withCandidates(CandidateSpec.NONE))
                .generate();
        List<String> pairs = scenario.preferenceLines();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            BallastConfig config = BallastConfig.defaults().with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "trigger-restart").with("state.dir", dir.resolve("state").toString())
                    .with("topic.partitions", "2").with("streams.session.timeout.ms", "6000")
                    // Count decisions soon after they arrive, so the second run counts its half
                    // (against the restored state) before it stops.
                    .with("trigger.order.grace.ms", "200");
            BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
            String servers = kafka.bootstrapServers();
            String jobs = config.topics().jobs();
            try (MonitorService first = new MonitorService(config, metrics)) {
                first.start(Duration.ofSeconds(60));
                send(servers, config.topics().policies(), scenario.policyLines());
                send(servers, config.topics().preferences(), pairs.subList(0, pairs.size() / 2));
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (TopicDrain.read(servers, Map.of(), jobs, Map.of(), Duration.ofSeconds(5)).isEmpty()) {
                    assertTrue(System.nanoTime() < deadline, "no job from the first half");
                    Thread.sleep(200);
                }
            }
            deleteTree(dir.resolve("state"));
            try (MonitorService second = new MonitorService(config, metrics)) {
                second.start(Duration.ofSeconds(60));
                send(servers, config.topics().policies(), scenario.policyLines());
                send(servers, config.topics().preferences(), pairs.subList(pairs.size() / 2, pairs.size()));
                long valid = pairs.stream().filter(line -> EventJson.readPreferencePair(
                        line.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<?>).count();
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (pairsTriagedForNewVersion(servers, config) < valid) {
                    assertTrue(System.nanoTime() < deadline, "the second half was not triaged");
                    Thread.sleep(200);
                }
            }
            var deserializer = JsonSerde.of(RealignJob.class).deserializer();
            List<String> created = TopicDrain.read(servers, Map.of(), jobs, Map.of(), Duration.ofSeconds(30)).stream()
                    .map(r -> deserializer.deserialize(jobs, r.value()))
                    .map(j -> j.reason() + "|" + j.policyVersion()).toList();
            assertEquals(List.of("TRIAGE_CONFLICTS|" + PreferenceSimulation.NEW_VERSION), created);
            assertEquals(scenario.policyLines().size() - 1,
                    metrics.registry().get("ballast.policy.versions.accepted").counter().count(),
                    "each valid version once: not per task of 2 partitions, not again when re-sent");
        }
    }

    /** Distinct pairs with a committed decision for the new policy version. */
    private static long pairsTriagedForNewVersion(String servers, BallastConfig config) {
        var deserializer = JsonSerde.of(TriageDecision.class).deserializer();
        return TopicDrain.read(servers, Map.of(), config.topics().triage(), Map.of(), Duration.ofSeconds(5)).stream()
                .map(r -> deserializer.deserialize("triage", r.value()))
                .filter(d -> d.policyVersion().equals(PreferenceSimulation.NEW_VERSION))
                .map(TriageDecision::pairId).distinct().count();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static void send(String servers, String topic, List<String> lines) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (String line : lines) {
                // The policy topic is compacted: the broker refuses records without a key.
                String key = topic.equals(BallastConfig.defaults().topics().policies())
                        ? JSON.readTree(line).get("policyId").asText() : null;
                producer.send(new ProducerRecord<>(topic, key, line.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }
}
