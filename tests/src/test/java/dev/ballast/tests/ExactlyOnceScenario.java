package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Candidate;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.GateDecision;
import dev.ballast.events.Interaction;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.events.TopicDrain;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.ProcessingWatcher;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A scenario produced to a cluster as agents and the model-runner would (keyed by agent and
 * sample id, a score for every valid candidate), and what a run over it must have committed,
 * each record once: the per-agent alerts of an uninterrupted offline run (drift and tipping
 * depend only on each agent's own ordered events, so any partitioning and any number of
 * instances must give exactly these), a dead letter for every bad line, a gate decision for every
 * valid candidate. Group alerts are left out: which turn a group task sees first across
 * partitions depends on timing.
 */
final class ExactlyOnceScenario {
    private final Scenario scenario;
    private final BallastConfig config;
    private final String servers;
    private boolean candidatesProduced;

    ExactlyOnceScenario(long seed, BallastConfig config, String servers) {
        this.scenario = new Simulator(ScenarioSpec.defaults(60, 300, seed)
                .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(2, 1))
                .withCandidates(new CandidateSpec(300, 0.1, 0.1, 0, 2))
                .withPreferences(PreferenceSpec.NONE)).generate();
        this.config = config;
        this.servers = servers;
    }

    int interactions() {
        return scenario.interactionLines().size();
    }

    /**
     * Publishes the policy versions and waits until every task has them, as an operator puts a
     * policy in force before agents act under it: an interaction that reaches its task before the
     * version in force at its timestamp is judged without it (measured: 3 agents alerted one or
     * two events earlier than the offline run when two instances started while policies and
     * interactions arrived together).
     */
    void producePolicies() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (String line : scenario.policyLines()) {
                producer.send(new ProducerRecord<>(config.topics().policies(), ReplayRunner.policyKey(bytes(line), 0), bytes(line)));
            }
        }
        awaitCaughtUp(Duration.ofMinutes(2));
    }

    /** Interactions {@code from} (inclusive) to {@code to}, keyed by agent as an agent's log shipper would. */
    void produceInteractions(int from, int to) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (String line : scenario.interactionLines().subList(from, to)) {
                String key = EventJson.readInteraction(bytes(line)) instanceof Decoded.Ok<Interaction> ok
                        ? ok.value().agentId() : null;
                producer.send(new ProducerRecord<>(config.topics().interactions(), key, bytes(line)));
            }
        }
    }

    /** Every candidate, and the model-runner's score for each valid one. */
    void produceCandidatesAndScores() {
        candidatesProduced = true;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (String line : scenario.candidateLines()) {
                producer.send(new ProducerRecord<>(config.topics().candidates(), keyOf(line, "sampleId"), bytes(line)));
                if (EventJson.readCandidate(bytes(line)) instanceof Decoded.Ok<Candidate> ok) {
                    Candidate c = ok.value();
                    double gradNorm = 1 + (c.sampleId().hashCode() & 0xff) / 64.0;
                    producer.send(new ProducerRecord<>(config.topics().scored(), c.sampleId(),
                            EventJson.write(ScoredCandidate.of(c, gradNorm, 2.0, "test-model"))));
                }
            }
        }
    }

    /**
     * Waits until the application has committed every input record and, once candidates were
     * produced, a decision for each: a live gate holds scored candidates for its order grace after
     * their inputs are committed.
     */
    void awaitCaughtUp(Duration timeout) throws Exception {
        List<String> inputs = List.of(config.topics().policies(), config.topics().interactions(),
                config.topics().candidates(), config.topics().scored());
        long deadline = System.nanoTime() + timeout.toNanos();
        watching(watcher -> {
            while (!watcher.caughtUp(inputs)) {
                assertTrue(System.nanoTime() < deadline, "the monitor did not catch up within " + timeout);
                Thread.sleep(200);
            }
            return null;
        });
        int expected = candidatesProduced ? expectedSamples().size() : 0;
        while (decided().size() < expected) {
            assertTrue(System.nanoTime() < deadline, "the gate did not decide every candidate within " + timeout);
            Thread.sleep(200);
        }
    }

    /** Fraction of the interactions whose processing the application has committed. */
    double committedShare() throws Exception {
        return watching(watcher -> watcher.progress(List.of(config.topics().interactions())).fraction());
    }

    /** The application's progress on its own repartition topics, by step name. */
    Map<String, ProcessingWatcher.Progress> internalProgress() throws Exception {
        return watching(ProcessingWatcher::internalProgress);
    }

    /** What a watch on the application's committed offsets returns. */
    private interface Watch<T> {
        T on(ProcessingWatcher watcher) throws Exception;
    }

    private <T> T watching(Watch<T> watch) throws Exception {
        try (Admin admin = Admin.create(MonitorService.adminProps(config));
             ProcessingWatcher watcher = new ProcessingWatcher(admin, servers, Map.of(), config.applicationId())) {
            return watch.on(watcher);
        }
    }

    /** Checks the committed outputs (read_committed) against the scenario: every expected record once, nothing else. */
    void assertCommittedExactlyOnce() {
        BallastConfig defaults = BallastConfig.defaults();
        List<String> expectedAlerts = identities(OfflineRun.run(scenario.policyLines(), scenario.interactionLines(),
                new AgentMonitor(defaults.monitorSettings()), defaults.diffusion()).alerts());
        List<Alert> alerts = read(config.topics().alerts(), b -> ((Decoded.Ok<Alert>) EventJson.readAlert(b)).value());
        assertTrue(expectedAlerts.size() >= 10, "the scenario raises agent alerts: " + expectedAlerts.size());
        assertEquals(expectedAlerts, identities(alerts), "per-agent alerts: none lost, none repeated");

        List<String> expectedLetters = new ArrayList<>();
        scenario.truth().malformedLines().forEach(m -> expectedLetters.add(m.content()));
        for (GroundTruth.PolicyTruth p : scenario.truth().policies()) {
            if (!p.valid()) {
                expectedLetters.add(scenario.policyLines().stream()
                        .filter(l -> l.contains("\"version\":" + p.version())).findFirst().orElseThrow());
            }
        }
        List<String> letters = read(config.topics().dlq(), b -> new String(b, StandardCharsets.UTF_8));
        assertEquals(sorted(expectedLetters), sorted(letters), "each bad line dead-lettered once");

        assertEquals(sorted(expectedSamples()), sorted(decided()), "one gate decision per candidate");
    }

    private List<String> expectedSamples() {
        List<String> samples = new ArrayList<>();
        for (String line : scenario.candidateLines()) {
            if (EventJson.readCandidate(bytes(line)) instanceof Decoded.Ok<Candidate> ok) {
                samples.add(ok.value().sampleId());
            }
        }
        return samples;
    }

    /** The sampleIds of every committed gate decision. */
    private List<String> decided() {
        List<String> decided = new ArrayList<>(read(config.topics().accepted(), ExactlyOnceScenario::sampleId));
        decided.addAll(read(config.topics().quarantined(), ExactlyOnceScenario::sampleId));
        return decided;
    }

    private static String sampleId(byte[] value) {
        return EventJson.read(EventJson.LENIENT, value, GateDecision.class, d -> "") instanceof Decoded.Ok<GateDecision> ok
                ? ok.value().sampleId() : "unreadable decision";
    }

    private <T> List<T> read(String topic, Function<byte[], T> decode) {
        return TopicDrain.read(servers, Map.of(), topic, Map.of(), Duration.ofSeconds(30)).stream()
                .map(r -> decode.apply(r.value())).toList();
    }

    private static List<String> identities(List<Alert> alerts) {
        return alerts.stream().filter(a -> a.type() == AlertType.DRIFT || a.type() == AlertType.TIPPING)
                .map(a -> a.type() + "|" + a.agentId() + "|" + a.triggerEventId()).sorted().toList();
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static String keyOf(String line, String field) {
        try {
            var node = EventJson.LENIENT.readTree(line);
            return node != null && node.hasNonNull(field) ? node.get(field).asText() : "unkeyed";
        } catch (java.io.IOException e) {
            return "unkeyed";
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
