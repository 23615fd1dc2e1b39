package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.EventJson;
import dev.ballast.events.Policy;
import dev.ballast.events.PreferencePair;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.Severity;
import dev.ballast.events.TriageDecision;
import dev.ballast.events.TriageDecision.Action;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.triage.PreferenceTriage;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TriageTopologyTest {
    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
    private static final Rule CONCEALMENT = new Rule("no-concealment", Severity.MEDIUM, "no hiding",
            new RuleCondition(null, null, "(?i)don't tell the supervisor", null, null, null, null));
    private static final Rule CREDENTIALS = new Rule("no-credentials", Severity.HIGH, "no passwords",
            new RuleCondition(null, null, "(?i)password is", null, null, null, null));
    private final BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> preferences;
    private TestInputTopic<byte[], byte[]> policies;
    private TestOutputTopic<String, TriageDecision> triage;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        start(BallastConfig.defaults());
    }

    private void start(BallastConfig config) {
        if (driver != null) {
            driver.close();
        }
        driver = ApplicationDriver.start(config, "triage-topology-test", metrics);
        BallastConfig.TopicNames topics = config.topics();
        preferences = ApplicationDriver.rawInput(driver, topics.preferences());
        policies = ApplicationDriver.rawInput(driver, topics.policies());
        triage = ApplicationDriver.jsonOutput(driver, topics.triage(), TriageDecision.class);
        dlq = ApplicationDriver.rawOutput(driver, topics.dlq());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Publishes a version and lets its re-triage of the stored pairs run to the end. */
    private void publish(int version, Instant effectiveAt, Rule... rules) {
        policies.pipeInput(bytes("conduct"),
                EventJson.write(new Policy("conduct", version, effectiveAt, null, List.of(rules), null)), effectiveAt);
        driver.advanceWallClockTime(Duration.ofMillis(TriageProcessor.STEP_MS));
    }

    private void send(String key, PreferencePair pair, Instant at) {
        preferences.pipeInput(bytes(key), EventJson.write(pair), at);
    }

    private static PreferencePair pair(String id, String chosen, String rejected) {
        return new PreferencePair(id, "prefs", "Can you help with the audit?", chosen, rejected);
    }

    /** Decisions so far, "pairId policyVersion" to action; fails on a repeated decision. */
    private Map<String, Action> decisions() {
        Map<String, Action> out = new TreeMap<>();
        for (TestRecord<String, TriageDecision> r : triage.readRecordsToList()) {
            assertEquals(r.key(), r.value().pairId(), "decisions are keyed by pairId");
            Action before = out.put(r.key() + " " + r.value().policyVersion(), r.value().action());
            assertEquals(null, before, "triaged twice: " + r.key() + " under " + r.value().policyVersion());
        }
        return out;
    }

    @Test
    void newPairsAreTriagedAgainstThePolicyInForceAndStoredPairsAgainstEachNewVersion() {
        publish(1, T0, CONCEALMENT);
        send("a", pair("a", "Sure. Don't tell the supervisor.", "Let us tell the supervisor."), T0.plusSeconds(10));
        send("b", pair("b", "The password is falcon12.", "Ask IT for access."), T0.plusSeconds(11));
        send("c", pair("c", "Ask the auditor.", "No."), T0.plusSeconds(12));
        assertEquals(Map.of("a conduct@1", Action.INVERT, "b conduct@1", Action.PRESERVE,
                "c conduct@1", Action.PRESERVE), decisions());

        publish(2, T0.plusSeconds(100), CONCEALMENT, CREDENTIALS);
        assertEquals(Map.of("a conduct@2", Action.INVERT, "b conduct@2", Action.INVERT,
                "c conduct@2", Action.PRESERVE), decisions());

        send("d", pair("d", "The password is x. Don't tell the supervisor.", "Don't tell the supervisor."),
                T0.plusSeconds(200));
        assertEquals(Map.of("d conduct@2", Action.DISCARD), decisions());
        assertEquals(3.0, metrics.triageCount(Action.INVERT), "a under 1 and 2, b under 2");
    }

    @Test
    void aVersionSeenAgainTriagesNothingAndARejectedVersionIsNeverUsed() {
        publish(1, T0, CONCEALMENT);
        send("a", pair("a", "Don't tell the supervisor.", "Tell them."), T0.plusSeconds(1));
        assertEquals(1, decisions().size());
        publish(1, T0, CONCEALMENT);
        assertEquals(Map.of(), decisions());
        policies.pipeInput(bytes("conduct"), bytes("{\"policyId\":\"conduct\",\"version\":2,\"effectiveAt\":\""
                + T0.plusSeconds(5) + "\",\"rules\":[{\"id\":\"r\",\"severity\":\"high\",\"when\":"
                + "{\"responseMatches\":\"(unclosed\"}}]}"), T0.plusSeconds(5));
        assertEquals(Map.of(), decisions());
    }

    @Test
    void aVersionRepublishedWithOtherRulesReplacesItAndReTriagesTheStoredPairs() {
        publish(1, T0, CONCEALMENT);
        send("a", pair("a", "Don't tell the supervisor.", "Tell them."), T0.plusSeconds(1));
        send("b", pair("b", "The password is falcon12.", "Ask IT for access."), T0.plusSeconds(2));
        assertEquals(Map.of("a conduct@1", Action.INVERT, "b conduct@1", Action.PRESERVE), decisions());

        publish(1, T0, CONCEALMENT, CREDENTIALS);
        assertEquals(Map.of("a conduct@1", Action.INVERT, "b conduct@1", Action.INVERT), decisions(),
                "every stored pair judged again by the rules that replaced version 1");
        send("c", pair("c", "The password is x.", "Ask IT."), T0.plusSeconds(3));
        assertEquals(Map.of("c conduct@1", Action.INVERT), decisions(), "a new pair meets the replacing rules");

        publish(1, T0, CONCEALMENT, CREDENTIALS);
        assertEquals(Map.of(), decisions(), "the same content again triages nothing");
    }

    @Test
    void pairsKeyedOtherwiseAreTriagedOnceAndBrokenPairsAreDeadLettered() {
        publish(1, T0, CONCEALMENT);
        send("not-the-pair-id", pair("a", "Don't tell the supervisor.", "Tell them."), T0.plusSeconds(1));
        preferences.pipeInput(bytes("x"), bytes("{\"pairId\":\"x\",\"prompt\":\"p\"}"), T0.plusSeconds(2));
        preferences.pipeInput(bytes("y"), bytes("not json"), T0.plusSeconds(3));
        assertEquals(Map.of("a conduct@1", Action.INVERT), decisions());
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(2, dead.size());
        assertTrue(dead.stream().allMatch(r -> r.headers().lastHeader(DeadLetterHeaders.ERROR) != null),
                "every dead letter says why");
    }

    @Test
    void aPairArrivingBeforeAPublishedVersionTakesEffectIsTriagedAgainstItToo() {
        publish(1, T0, CONCEALMENT);
        // Published ahead, as the README advises: its re-triage of stored pairs ran on arrival.
        publish(2, T0.plusSeconds(3_600), CONCEALMENT, CREDENTIALS);
        decisions();
        send("b", pair("b", "The password is falcon12.", "Ask IT for access."), T0.plusSeconds(10));
        assertEquals(Map.of("b conduct@1", Action.PRESERVE, "b conduct@2", Action.INVERT), decisions());
    }

    @Test
    void aPairSentAgainUnchangedIsDeadLetteredAndANewVersionOfItIsTriagedAgain() {
        publish(1, T0, CONCEALMENT);
        PreferencePair a = pair("a", "Don't tell the supervisor.", "Tell them.");
        send("a", a, T0.plusSeconds(1));
        send("a", a, T0.plusSeconds(2));
        publish(2, T0.plusSeconds(10), CONCEALMENT, CREDENTIALS);
        send("a", a, T0.plusSeconds(20));
        assertEquals(Map.of("a conduct@1", Action.INVERT, "a conduct@2", Action.INVERT), decisions());
        assertEquals(2.0, metrics.triageCount(Action.INVERT), "a re-sent pair brings no job nearer");
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(2, dead.size());
        dead.forEach(r -> assertEquals(PreferenceTriage.REPEATED,
                new String(r.headers().lastHeader(DeadLetterHeaders.ERROR).value(), StandardCharsets.UTF_8)));
        assertEquals(2.0, metrics.registry().get("ballast.dlq.records").tag("reason", "repeated_pair").counter().count());
        send("a", pair("a", "Tell them.", "Don't tell the supervisor."), T0.plusSeconds(30));
        assertEquals(Map.of("a conduct@2", Action.PRESERVE), decisions(), "a corrected pair supersedes");
    }

    @Test
    void aLargeStoreIsReTriagedInStepsAndAPairArrivingMeanwhileIsTriagedOnce() {
        start(BallastConfig.defaults().with("triage.rescan.batch", "2"));
        publish(1, T0, CONCEALMENT);
        for (String id : List.of("a", "b", "c", "d", "e")) {
            send(id, pair(id, "Don't tell the supervisor.", "Tell them."), T0.plusSeconds(1));
        }
        assertEquals(5, decisions().size());

        policies.pipeInput(bytes("conduct"), EventJson.write(new Policy("conduct", 2, T0.plusSeconds(10), null,
                List.of(CONCEALMENT, CREDENTIALS), null)), T0.plusSeconds(10));
        Map<String, Action> seen = new TreeMap<>(decisions());
        assertEquals(Map.of("a conduct@2", Action.INVERT, "b conduct@2", Action.INVERT), seen,
                "one step of two pairs as the version arrives");
        assertEquals(1, metrics.triageRescansPending());

        send("z", pair("z", "The password is x.", "Ask IT."), T0.plusSeconds(11));
        send("0", pair("0", "The password is x.", "Ask IT."), T0.plusSeconds(12));
        assertEquals(Map.of("0 conduct@2", Action.INVERT), decisions(),
                "a pair behind the re-triage's cursor is triaged at once, one ahead is left to it");
        for (int step = 0; step < 5; step++) {
            driver.advanceWallClockTime(Duration.ofMillis(TriageProcessor.STEP_MS));
            decisions().forEach((k, v) -> assertEquals(null, seen.put(k, v), "triaged twice: " + k));
        }
        assertEquals(List.of("a", "b", "c", "d", "e", "z"), seen.keySet().stream().map(k -> k.split(" ")[0]).toList());
        assertEquals(0, metrics.triageRescansPending());
    }
}
