package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Candidate;
import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.EventJson;
import dev.ballast.events.GateDecision;
import dev.ballast.events.Policy;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.ScoredCandidate;
import dev.ballast.events.Severity;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.gate.PendingSample;
import dev.ballast.streams.gate.SamplePairing;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GateTopologyTest {
    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
    private static final int WARMUP = 20;
    private static final long TIMEOUT_MS = 60_000;
    private BallastConfig config;
    private final BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> candidates;
    private TestInputTopic<byte[], byte[]> scored;
    private TestInputTopic<byte[], byte[]> policies;
    private TestOutputTopic<String, GateDecision> accepted;
    private TestOutputTopic<String, GateDecision> quarantined;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<byte[], byte[]> dlq;

    private final Properties settings = new Properties();

    @BeforeEach
    void start() {
        settings.put("gate.warmup.samples", String.valueOf(WARMUP));
        settings.put("gate.score.timeout.ms", String.valueOf(TIMEOUT_MS));
        settings.put("gate.surge.warmup.decisions", "100");
        // What is decided, not when: decided on arrival. The live order grace has a test of its own.
        settings.put("gate.order.grace.ms", "0");
        config = BallastConfig.parse(settings, Map.of());
        open(InputEnd.live(), "gate-topology-test");
    }

    /** (Re)starts the driver for a run that ends as {@code end} says, with policy version 1 in force. */
    private void open(InputEnd end, String name) {
        if (driver != null) {
            driver.close();
        }
        driver = ApplicationDriver.start(config, name, metrics, end);
        BallastConfig.TopicNames topics = config.topics();
        candidates = ApplicationDriver.rawInput(driver, topics.candidates());
        scored = ApplicationDriver.rawInput(driver, topics.scored());
        policies = ApplicationDriver.rawInput(driver, topics.policies());
        accepted = ApplicationDriver.jsonOutput(driver, topics.accepted(), GateDecision.class);
        quarantined = ApplicationDriver.jsonOutput(driver, topics.quarantined(), GateDecision.class);
        alerts = ApplicationDriver.jsonOutput(driver, topics.alerts(), Alert.class);
        dlq = ApplicationDriver.rawOutput(driver, topics.dlq());
        Rule secrets = new Rule("no-credential-disclosure", Severity.HIGH, "no credentials in training data",
                new RuleCondition(null, null, "(?i)password is", null, null, null, null));
        policies.pipeInput(bytes("data"), EventJson.write(new Policy("data", 1, T0, null, List.of(secrets), null)),
                T0);
    }

    @AfterEach
    void stop() {
        driver.close();
    }


    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Candidate candidate(int i, String dataset, String response) {
        return new Candidate("s" + i, dataset, "question " + i, response, "test");
    }

    private void propose(Candidate c, byte[] key, Instant at) {
        candidates.pipeInput(key, EventJson.write(c), at);
    }

    private void score(Candidate c, double gradNorm, Instant at) {
        scored.pipeInput(bytes(c.sampleId()), EventJson.write(ScoredCandidate.of(c, gradNorm, 2.0, "m1")), at);
    }

    /** Every decision so far, by sampleId; fails if a sample was decided twice. */
    private Map<String, GateDecision> decisions() {
        Map<String, GateDecision> all = new HashMap<>();
        for (var topic : List.of(accepted, quarantined)) {
            for (TestRecord<String, GateDecision> r : topic.readRecordsToList()) {
                assertEquals(r.key(), r.value().sampleId(), "decisions are keyed by sampleId");
                assertNull(all.put(r.key(), r.value()), "decided twice: " + r.key());
            }
        }
        return all;
    }

    @Test
    void everyCandidateIsDecidedOnceWarmUpFailsClosedAndTheKeepRatioHolds() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 1_000;
        for (int i = 0; i < n; i++) {
            Candidate c = candidate(i, "ds", "a helpful answer");
            Instant at = T0.plusSeconds(i);
            // Scores arrive before and after their candidate, as two topics interleave in a real run.
            if (i % 2 == 0) {
                propose(c, bytes(c.sampleId()), at);
                score(c, rng.nextDouble() * 5, at);
            } else {
                score(c, rng.nextDouble() * 5, at);
                propose(c, bytes(c.sampleId()), at);
            }
        }
        Map<String, GateDecision> out = decisions();
        assertEquals(n, out.size());
        int warmAccepted = 0;
        for (int i = 0; i < n; i++) {
            GateDecision d = out.get("s" + i);
            if (i < WARMUP) {
                assertEquals(List.of(GateDecision.WARMUP), d.reasons());
            } else if (d.decision() == GateDecision.Decision.ACCEPT) {
                warmAccepted++;
            } else {
                assertEquals(List.of(GateDecision.HIGH_GRADIENT), d.reasons());
            }
            assertEquals("m1", d.modelVersion());
        }
        assertEquals(config.gate().keepRatio(), warmAccepted / (double) (n - WARMUP), 0.03);
        assertTrue(dlq.isEmpty());
    }

    /**
     * A bounded run (replay) decides in event-time order, so the warm-up, the sketch each decision
     * reads and hence every decision are the same however the pairs arrived: here 200 candidates in
     * time order, then the same in reverse (as partitions and scoring can interleave them).
     */
    @Test
    void aBoundedRunDecidesInEventTimeOrderWhateverOrderThePairsArriveIn() {
        Map<String, GateDecision> inOrder = boundedRun(false);
        Map<String, GateDecision> reversed = boundedRun(true);
        assertEquals(200, inOrder.size());
        assertEquals(inOrder, reversed);
        for (int i = 0; i < WARMUP; i++) {
            assertEquals(List.of(GateDecision.WARMUP), reversed.get("s" + i).reasons(), "the earliest are the warm-up");
        }
    }

    private Map<String, GateDecision> boundedRun(boolean reversed) {
        InputEnd end = InputEnd.bounded();
        open(end, "gate-topology-bounded-" + reversed);
        pipePairs(reversed);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertTrue(decisions().isEmpty(), "held until the run's input has ended");
        assertEquals(200, metrics.gatePairsHeld());
        end.end();
        driver.advanceWallClockTime(Duration.ofMillis(200));
        assertEquals(0, metrics.gatePairsHeld());
        return decisions();
    }

    /** 200 candidates a second apart and their scores, in time order or reversed. */
    private void pipePairs(boolean reversed) {
        SplittableRandom rng = new SplittableRandom(5);
        double[] gradNorms = rng.doubles(200, 0, 5).toArray();
        for (int k = 0; k < 200; k++) {
            int i = reversed ? 199 - k : k;
            Candidate c = candidate(i, "ds", "a helpful answer");
            propose(c, bytes(c.sampleId()), T0.plusSeconds(i));
            score(c, gradNorms[i], T0.plusSeconds(i));
        }
    }

    /**
     * A live gate holds each pair for the order grace and then decides what is due in event-time
     * order: pairs arriving reversed within the grace are decided exactly as a replay decides them
     * in order. A straggler arriving after the grace, earlier than pairs already decided, is still
     * decided, once, and counted late.
     */
    @Test
    void aLiveGateDecidesPairsArrivingWithinTheOrderGraceInEventTimeOrder() {
        Map<String, GateDecision> replayed = boundedRun(false);
        settings.put("gate.order.grace.ms", "5000");
        config = BallastConfig.parse(settings, Map.of());
        open(InputEnd.live(), "gate-topology-live-grace");
        pipePairs(true);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertTrue(decisions().isEmpty(), "held for the grace");
        assertEquals(200, metrics.gatePairsHeld());
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertEquals(0, metrics.gatePairsHeld());
        assertEquals(replayed, decisions());
        assertEquals(0.0, lateDecisions());

        Candidate straggler = candidate(999, "ds", "a helpful answer");
        propose(straggler, bytes(straggler.sampleId()), T0.minusSeconds(10));
        score(straggler, 0.5, T0.minusSeconds(10));
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        assertEquals(Set.of("s999"), decisions().keySet());
        assertEquals(1.0, lateDecisions());
    }

    private double lateDecisions() {
        return metrics.registry().get("ballast.gate.pairs.late").counter().count();
    }

    @Test
    void candidateMatchingARuleIsQuarantinedWithTheRuleIdEvenWithALowGradient() {
        for (int i = 0; i < 100; i++) {
            Candidate c = candidate(i, "ds", "fine");
            propose(c, bytes(c.sampleId()), T0.plusSeconds(i));
            score(c, 1.0 + i % 7, T0.plusSeconds(i));
        }
        decisions();
        Candidate leak = candidate(500, "ds", "Sure. The admin password is falcon42.");
        propose(leak, bytes(leak.sampleId()), T0.plusSeconds(200));
        score(leak, 0.01, T0.plusSeconds(200));
        GateDecision d = quarantined.readValue();
        assertEquals("s500", d.sampleId());
        assertEquals(List.of("POLICY_CONFLICT:no-credential-disclosure"), d.reasons());
        assertEquals(List.of("no-credential-disclosure"), d.violatedRules());
        assertEquals("data@1", d.policyVersion());
        assertTrue(accepted.isEmpty());
    }

    /**
     * A rule that arrives after candidates it governs were decided is counted late: those decisions
     * stand (a candidate accepted before the rule arrived stays accepted), so operators must know.
     */
    @Test
    void aVersionArrivingAfterCandidatesItGovernsIsReportedLate() {
        for (int i = 0; i < 10; i++) {
            Candidate c = candidate(i, "ds", "the vendor code is 1234");
            propose(c, bytes(c.sampleId()), T0.plusSeconds(60L * i));
            score(c, 1.0, T0.plusSeconds(60L * i));
        }
        assertEquals(10, decisions().size());
        Rule codes = new Rule("no-vendor-codes", Severity.HIGH, "no vendor codes",
                new RuleCondition(null, null, "vendor code", null, null, null, null));
        policies.pipeInput(bytes("data"), EventJson.write(new Policy("data", 2, T0.plusSeconds(60L * 20), null,
                List.of(codes), null)), T0.plusSeconds(600));
        assertEquals(0.0, late(), "takes effect after every decision so far");
        policies.pipeInput(bytes("data"), EventJson.write(new Policy("data", 3, T0.plusSeconds(60L * 5), null,
                List.of(codes), null)), T0.plusSeconds(600));
        assertEquals(1.0, late(), "candidates 5-9 were decided before version 3 arrived");
    }

    private double late() {
        return metrics.registry().get("ballast.policy.versions.late").tag("processor", "gate").counter().count();
    }

    @Test
    void candidateKeyedByAnythingButItsSampleIdStillMeetsItsScore() {
        for (int i = 0; i < 30; i++) {
            Candidate c = candidate(i, "ds", "fine");
            byte[] key = i % 3 == 0 ? null : bytes("pipeline-" + i);
            score(c, 1.0, T0.plusSeconds(i));
            propose(c, key, T0.plusSeconds(i));
        }
        Map<String, GateDecision> out = decisions();
        assertEquals(30, out.size());
        out.values().forEach(d -> assertEquals(1.0, d.gradNorm()));
    }

    @Test
    void candidateWithoutAScoreIsQuarantinedOnceStreamTimePassesTheTimeout() {
        Candidate orphan = candidate(1, "ds", "never scored");
        propose(orphan, bytes(orphan.sampleId()), T0);
        assertTrue(quarantined.isEmpty(), "still waiting");
        Candidate later = candidate(2, "ds", "fine");
        propose(later, bytes(later.sampleId()), T0.plusMillis(TIMEOUT_MS + 10_000));
        GateDecision d = quarantined.readValue();
        assertEquals("s1", d.sampleId());
        assertEquals(List.of(GateDecision.NO_SCORE), d.reasons());
        assertNull(d.gradNorm());
        // The score arriving after its candidate gave up must not produce a second decision.
        score(orphan, 0.5, T0.plusMillis(TIMEOUT_MS + 11_000));
        propose(candidate(3, "ds", "x"), bytes("s3"), T0.plusMillis(3 * TIMEOUT_MS));
        Map<String, GateDecision> rest = decisions();
        assertTrue(!rest.containsKey("s1"), "s1 decided once");
        // Sent again once scoring works, it is decided afresh rather than dead-lettered as a repeat.
        propose(orphan, bytes(orphan.sampleId()), T0.plusMillis(3 * TIMEOUT_MS + 1));
        score(orphan, 0.5, T0.plusMillis(3 * TIMEOUT_MS + 2));
        assertEquals(0.5, decisions().get("s1").gradNorm());
        assertTrue(dlq.isEmpty());
    }

    @Test
    void aSampleSentTwiceIsDecidedOnceAndEachCopyIsDeadLetteredWithItsReason() {
        Candidate c = candidate(1, "ds", "fine");
        Candidate reused = new Candidate(c.sampleId(), "ds", c.prompt(), "a different answer", "test");
        propose(c, bytes(c.sampleId()), T0);
        propose(c, bytes(c.sampleId()), T0.plusSeconds(1));
        propose(reused, bytes(c.sampleId()), T0.plusSeconds(2));
        // The model-runner scores every copy; the reused id's score comes first and must not be taken.
        score(reused, 9.0, T0.plusSeconds(3));
        score(c, 1.0, T0.plusSeconds(4));
        score(c, 1.0, T0.plusSeconds(5));
        propose(c, bytes(c.sampleId()), T0.plusSeconds(6));
        Map<String, GateDecision> out = decisions();
        assertEquals(1, out.size());
        assertEquals(1.0, out.get(c.sampleId()).gradNorm(), "scored as the first copy, not the reused id");
        List<String> reasons = dlq.readRecordsToList().stream().map(r -> header(r, DeadLetterHeaders.ERROR)).toList();
        assertEquals(3, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith(SamplePairing.REPEATED), reasons.get(0));
        assertTrue(reasons.get(1).startsWith(SamplePairing.CONFLICTING), reasons.get(1));
        assertTrue(reasons.get(2).startsWith(SamplePairing.REPEATED) && reasons.get(2).contains("decided at"), reasons.get(2));
        assertEquals(2.0, metrics.registry().get("ballast.dlq.records").tag("reason", "repeated_sample").counter().count());
        assertEquals(1.0, metrics.registry().get("ballast.dlq.records").tag("reason", "conflicting_sample").counter().count());
    }

    @Test
    void aCopySentAfterTheRepeatWindowIsDecidedAgain() {
        Candidate c = candidate(1, "ds", "fine");
        propose(c, bytes(c.sampleId()), T0);
        score(c, 1.0, T0);
        assertEquals(1, decisions().size());
        long window = config.gateRepeatWindowMs();
        propose(c, bytes(c.sampleId()), T0.plusMillis(window - 1_000));
        assertTrue(decisions().isEmpty(), "within the window: dead-lettered");
        assertEquals(1, dlq.readRecordsToList().size());
        propose(c, bytes(c.sampleId()), T0.plusMillis(window + 1_000));
        score(c, 1.0, T0.plusMillis(window + 1_000));
        assertEquals(1, decisions().size(), "past the window the id is forgotten");
        assertTrue(dlq.isEmpty());
    }

    @Test
    void withoutARepeatWindowTimedOutCandidatesAreStillDecidedAndLoneScoresForgotten() {
        driver.close();
        settings.put("gate.repeat.window.ms", "0");
        config = BallastConfig.parse(settings, Map.of());
        driver = ApplicationDriver.start(config, "gate-topology-test", metrics);
        candidates = ApplicationDriver.rawInput(driver, config.topics().candidates());
        scored = ApplicationDriver.rawInput(driver, config.topics().scored());
        quarantined = ApplicationDriver.jsonOutput(driver, config.topics().quarantined(), GateDecision.class);
        Candidate orphan = candidate(1, "ds", "never scored");
        propose(orphan, bytes(orphan.sampleId()), T0);
        score(candidate(2, "ds", "whose candidate never comes"), 1.0, T0);
        Candidate later = candidate(3, "ds", "fine");
        propose(later, bytes(later.sampleId()), T0.plusMillis(TIMEOUT_MS + 10_000));
        assertEquals(List.of(GateDecision.NO_SCORE), quarantined.readValue().reasons());
        KeyValueStore<String, PendingSample> pending = driver.getKeyValueStore(GateTopology.PENDING_STORE);
        assertEquals(null, pending.get("s1"));
        assertEquals(null, pending.get("s2"), "a score without its candidate is dropped with its wait");
        assertNotNull(pending.get("s3"));
    }

    @Test
    void candidatesWaitingForTheirScoreAreCountedUntilScoredOrTimedOut() {
        Candidate scoredLater = candidate(1, "ds", "fine");
        Candidate never = candidate(2, "ds", "never scored");
        score(candidate(3, "ds", "a score first"), 1.0, T0);
        propose(scoredLater, bytes(scoredLater.sampleId()), T0);
        propose(never, bytes(never.sampleId()), T0);
        assertEquals(2, metrics.candidatesWaiting(), "a score waiting for its candidate is not a waiting candidate");
        score(scoredLater, 1.0, T0.plusSeconds(1));
        propose(scoredLater, bytes(scoredLater.sampleId()), T0.plusSeconds(2));
        assertEquals(1, metrics.candidatesWaiting(), "scored, and its copy dead-lettered without waiting");
        propose(candidate(3, "ds", "a score first"), bytes("s3"), T0.plusSeconds(3));
        assertEquals(1, metrics.candidatesWaiting(), "met its score at once");
        propose(candidate(4, "ds", "x"), bytes("s4"), T0.plusMillis(TIMEOUT_MS + 10_000));
        assertEquals(1, metrics.candidatesWaiting(), "s2 timed out, s4 waits");
        driver.close();
        assertEquals(0, metrics.candidatesWaiting(), "a closed task stops counting its candidates");
        driver = ApplicationDriver.start(config, "gate-topology-test", metrics);
    }

    @Test
    void failedScoringIsQuarantinedAtOnce() {
        Candidate c = candidate(7, "ds", "fine");
        propose(c, bytes(c.sampleId()), T0);
        scored.pipeInput(bytes(c.sampleId()), EventJson.write(ScoredCandidate.failed(c, "m1", "sequence too long")), T0);
        GateDecision d = quarantined.readValue();
        assertEquals(List.of(GateDecision.NO_SCORE), d.reasons());
        assertEquals("m1", d.modelVersion());
    }

    @Test
    void malformedCandidateIsDeadLetteredWithItsReasonAndNothingIsDecided() {
        byte[] bad = bytes("{\"sampleId\":\"s9\",\"prompt\":\"p\",\"response\":\"r\"}");
        candidates.pipeInput(bytes("s9"), bad, T0);
        candidates.pipeInput(bytes("s10"), bytes("not json"), T0);
        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertEquals("datasetId: required", header(dead, DeadLetterHeaders.ERROR));
        assertEquals(config.topics().candidates(), header(dead, DeadLetterHeaders.SOURCE_TOPIC));
        assertTrue(header(dlq.readRecord(), DeadLetterHeaders.ERROR).startsWith("value: not valid JSON"));
        assertTrue(decisions().isEmpty());
    }

    @Test
    void sketchesAreKeptPerDatasetAndModelVersion() {
        for (int i = 0; i < WARMUP; i++) {
            Candidate c = candidate(i, "ds-a", "fine");
            propose(c, bytes(c.sampleId()), T0.plusSeconds(i));
            score(c, 1.0, T0.plusSeconds(i));
        }
        decisions();
        Candidate other = candidate(100, "ds-b", "fine");
        propose(other, bytes(other.sampleId()), T0.plusSeconds(100));
        score(other, 1.0, T0.plusSeconds(100));
        assertEquals(List.of(GateDecision.WARMUP), quarantined.readValue().reasons(), "ds-b has its own sketch");
        Candidate newModel = candidate(101, "ds-a", "fine");
        propose(newModel, bytes(newModel.sampleId()), T0.plusSeconds(101));
        scored.pipeInput(bytes("s101"), EventJson.write(ScoredCandidate.of(newModel, 1.0, 2.0, "m2")),
                T0.plusSeconds(101));
        GateDecision d = quarantined.readValue();
        assertEquals(List.of(GateDecision.WARMUP), d.reasons(), "a new model version starts a new sketch");
        assertEquals("m2", d.modelVersion());
    }

    @Test
    void aJumpInADatasetsQuarantineShareRaisesOneGateSurge() {
        SplittableRandom rng = new SplittableRandom(8);
        int i = 0;
        for (; i < 600; i++) {
            Candidate c = candidate(i, "ds", "fine");
            propose(c, bytes(c.sampleId()), T0.plusSeconds(i));
            score(c, rng.nextDouble(), T0.plusSeconds(i));
        }
        assertTrue(alerts.isEmpty(), "no surge while the share is steady");
        for (; i < 800; i++) {
            Candidate c = candidate(i, "ds", "The password is hunter" + i);
            propose(c, bytes(c.sampleId()), T0.plusSeconds(i));
            score(c, rng.nextDouble(), T0.plusSeconds(i));
        }
        List<TestRecord<String, Alert>> surges = alerts.readRecordsToList();
        assertEquals(1, surges.size());
        assertEquals("ds", surges.get(0).key());
        assertEquals(AlertType.GATE_SURGE, surges.get(0).value().type());
        int alertedAt = Integer.parseInt(surges.get(0).value().triggerEventId().substring(1));
        Map<String, GateDecision> out = decisions();
        // The open surge freezes the dataset's threshold: every later decision sees the same one.
        assertEquals(1, out.values().stream().filter(d -> Integer.parseInt(d.sampleId().substring(1)) > alertedAt)
                .map(GateDecision::threshold).distinct().count());
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
