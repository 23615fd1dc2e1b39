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
import dev.ballast.events.PreferencePair;
import dev.ballast.events.RealignJob;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.events.TopicDrain;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.kafka.MonitorService;
import dev.ballast.streams.kafka.ProcessingWatcher;
import dev.ballast.streams.policy.CompiledPolicy;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import dev.ballast.streams.triage.PreferenceTriage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * A scenario produced to a cluster as agents, the model-runner and a preference data pipeline
 * would (keyed by agent, sample id and pair id, a score for every valid candidate), and what a run
 * over it must have committed, each record once: the per-agent alerts of an uninterrupted offline
 * run (drift and tipping depend only on each agent's own ordered events, so any partitioning and
 * any number of instances must give exactly these), a dead letter for every bad line, a gate
 * decision for every valid candidate, and a triage decision for every valid pair against each
 * policy's newest valid version (every version is in force when the pairs arrive). Group alerts
 * are left out: which turn a group task sees first across partitions depends on timing.
 */
final class ExactlyOnceScenario {
    private final Scenario scenario;
    private final BallastConfig config;
    private final String servers;
    private boolean trainingDataProduced;

    ExactlyOnceScenario(long seed, BallastConfig config, String servers) {
        this.scenario = new Simulator(ScenarioSpec.defaults(60, 300, seed)
                .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(2, 1))
                .withCandidates(new CandidateSpec(300, 0.1, 0.1, 0, 2))
                .withPreferences(new PreferenceSpec(200, 0.5, 2))).generate();
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

    /** Every candidate, the model-runner's score for each valid one, and every preference pair. */
    void produceTrainingData() {
        trainingDataProduced = true;
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (String line : scenario.preferenceLines()) {
                producer.send(new ProducerRecord<>(config.topics().preferences(), keyOf(line, "pairId"), bytes(line)));
            }
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
     * Waits until the application has committed every input record and, once the training data was
     * produced, a decision for each candidate and pair: a live gate holds scored candidates for its
     * order grace after their inputs are committed.
     */
    void awaitCaughtUp(Duration timeout) throws Exception {
        List<String> inputs = List.of(config.topics().policies(), config.topics().interactions(),
                config.topics().candidates(), config.topics().scored(), config.topics().preferences());
        long deadline = System.nanoTime() + timeout.toNanos();
        watching(watcher -> {
            while (!watcher.caughtUp(inputs)) {
                assertTrue(System.nanoTime() < deadline, "the monitor did not catch up within " + timeout);
                Thread.sleep(200);
            }
            return null;
        });
        int expected = trainingDataProduced ? expectedSamples().size() : 0;
        while (decided().size() < expected) {
            assertTrue(System.nanoTime() < deadline, "the gate did not decide every candidate within " + timeout);
            Thread.sleep(200);
        }
        int expectedTriage = trainingDataProduced ? expectedTriage().size() : 0;
        while (triaged().size() < expectedTriage) {
            assertTrue(System.nanoTime() < deadline, "triage did not decide every pair within " + timeout);
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

        List<String> expectedTriage = expectedTriage();
        assertTrue(expectedTriage.size() >= 2 * 150, "pairs triaged against two policies: " + expectedTriage.size());
        assertTrue(expectedTriage.stream().anyMatch(d -> d.endsWith("|" + TriageDecision.Action.INVERT)),
                "the scenario has pairs to invert");
        assertEquals(sorted(expectedTriage), sorted(triaged()), "one triage decision per pair and policy version");

        // Which jobs the trigger creates depends on when its inputs meet; that none is created twice does not.
        List<String> jobs = read(config.topics().jobs(), b -> EventJson.readRealignJob(b) instanceof Decoded.Ok<RealignJob> ok
                ? ok.value().jobId() : "unreadable job");
        assertEquals(sorted(jobs.stream().distinct().toList()), sorted(jobs), "each re-alignment job once");
    }

    /**
     * Each valid pair's decision against every policy's newest valid version, the versions a pair
     * falls under once all are in force (the simulator's take effect in the past).
     */
    private List<String> expectedTriage() {
        List<CompiledPolicy> versions = OfflineRun.policies(scenario.policyLines()).inForceOrLater(Instant.now());
        PreferenceTriage triage = new PreferenceTriage();
        List<String> decisions = new ArrayList<>();
        for (String line : scenario.preferenceLines()) {
            if (EventJson.readPreferencePair(bytes(line)) instanceof Decoded.Ok<PreferencePair> ok) {
                for (CompiledPolicy policy : versions) {
                    decisions.add(identity(triage.triage(ok.value(), policy)));
                }
            }
        }
        return decisions;
    }

    /** Every committed triage decision, by pair, version and action. */
    private List<String> triaged() {
        return read(config.topics().triage(), b -> EventJson.readTriageDecision(b) instanceof Decoded.Ok<TriageDecision> ok
                ? identity(ok.value()) : "unreadable decision");
    }

    private static String identity(TriageDecision d) {
        return d.pairId() + "|" + d.policyVersion() + "|" + d.action();
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
