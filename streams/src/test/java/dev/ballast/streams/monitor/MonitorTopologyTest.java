package dev.ballast.streams.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Action;
import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.Policy;
import dev.ballast.events.Rule;
import dev.ballast.events.RuleCondition;
import dev.ballast.events.Severity;
import dev.ballast.streams.TestStreamsProperties;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.drift.AgentStateCodec;
import dev.ballast.streams.kafka.TopicAdmin;
import dev.ballast.streams.kafka.WriteBehindStore;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.CachingKeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MonitorTopologyTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final BallastConfig config = BallastConfig.defaults();
    private final BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> interactions;
    private TestInputTopic<byte[], byte[]> policies;
    private TestOutputTopic<String, Alert> alerts;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        open(config);
    }

    private void open(BallastConfig config) {
        Properties props = TestStreamsProperties.of("monitor-topology-test");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(MonitorTopology.build(config, new TopicAdmin.Layout(1, 1, 1), metrics, Clock.systemUTC(), InputEnd.live()), props);
        interactions = driver.createInputTopic(config.topics().interactions(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        policies = driver.createInputTopic(config.topics().policies(), Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        alerts = driver.createOutputTopic(config.topics().alerts(), Serdes.String().deserializer(),
                JsonSerde.of(Alert.class).deserializer());
        dlq = driver.createOutputTopic(config.topics().dlq(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static Policy policy(int version, Instant effectiveAt, String forbiddenTool) {
        Rule rule = new Rule("no-" + forbiddenTool, Severity.HIGH, "forbidden tool",
                new RuleCondition(List.of("tool_call"), List.of(forbiddenTool), null, null, null, null, null));
        return new Policy("conduct", version, effectiveAt, null, List.of(rule), null);
    }

    private void publish(Policy policy) {
        policies.pipeInput(bytes(policy.policyId()), EventJson.write(policy));
    }

    private void act(String agentId, int i, String tool, byte[] key) {
        Interaction in = new Interaction(agentId + "-" + i, agentId, null, T0.plusSeconds(60L * i), (long) i,
                null, null, new Action("tool_call", tool, null), 1.0, null, null, null);
        interactions.pipeInput(key, EventJson.write(in));
    }

    @Test
    void theAgentStoreIsWrittenBehindTheGroupStoreCachedAndTheEventOrderStoreNeither() {
        // Either turns an agent's or a group's several writes between two commits into one changelog record.
        assertTrue((StateStore) driver.getKeyValueStore(MonitorTopology.AGENT_STORE) instanceof WriteBehindStore<?, ?>);
        assertEquals(true, cached(driver.getKeyValueStore(MonitorTopology.GROUP_STORE)));
        assertEquals(false, cached(driver.getKeyValueStore(MonitorTopology.GROUP_ORDER_STORE)));
    }

    /**
     * The same agents through the RocksDB agent store (the default) and the in-memory one give the
     * same alerts, field for field, and the in-memory store is not on disk, and written behind too.
     */
    @Test
    void anInMemoryAgentStoreAlertsAsTheRocksDbOneDoes() {
        List<List<Object>> onDisk = driftAndTipping();
        assertTrue(driver.getKeyValueStore(MonitorTopology.AGENT_STORE).persistent());
        driver.close();
        open(config.with("monitor.agent.store", "in-memory"));
        List<List<Object>> inMemory = driftAndTipping();
        StateStore store = driver.getKeyValueStore(MonitorTopology.AGENT_STORE);
        assertFalse(store.persistent());
        assertTrue(store instanceof WriteBehindStore<?, ?>);
        assertEquals(2, onDisk.size(), "one alert per agent: " + onDisk);
        assertEquals(onDisk, inMemory);
    }

    /**
     * The decoded states each task holds are the store's: with none held, with one (the two
     * interleaved agents drop each other's at every event) and with the default, the same alerts
     * and the same bytes in the agent store.
     */
    @Test
    void agentStatesHeldDecodedAlertAndStoreAsTheStoreAlone() {
        List<List<Object>> byDefault = driftAndTipping();
        List<byte[]> storedByDefault = storedStates("d1", "t1");
        assertEquals(2, byDefault.size(), "one alert per agent: " + byDefault);
        // Each commit carried every agent's latest state to the changelog.
        Map<String, byte[]> logged = new java.util.HashMap<>();
        driver.createOutputTopic("monitor-topology-test-" + MonitorTopology.AGENT_STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer())
                .readRecordsToList().forEach(r -> logged.put(r.key(), r.value()));
        assertArrayEquals(storedByDefault.get(0), logged.get("d1"));
        assertArrayEquals(storedByDefault.get(1), logged.get("t1"));
        for (String held : List.of("0", "1")) {
            driver.close();
            open(config.with("monitor.agent.cache.agents", held));
            assertEquals(byDefault, driftAndTipping(), held + " held");
            List<byte[]> stored = storedStates("d1", "t1");
            for (int i = 0; i < stored.size(); i++) {
                assertArrayEquals(storedByDefault.get(i), stored.get(i), held + " held, agent " + i);
            }
        }
    }

    /** The agents' states in the agent store, encoded as the changelog holds them. */
    private List<byte[]> storedStates(String... agentIds) {
        var store = driver.<String, AgentState>getKeyValueStore(MonitorTopology.AGENT_STORE);
        return Arrays.stream(agentIds).map(id -> AgentStateCodec.encode(store.get(id))).toList();
    }

    /**
     * One agent drifting unpaid, one whose violations pay from the start, interleaved; their alerts
     * but for when they were made (wall-clock time).
     */
    private List<List<Object>> driftAndTipping() {
        publish(policy(1, T0, "wire-money"));
        for (int i = 0; i < 100; i++) {
            for (String agent : List.of("d1", "t1")) {
                String tool = i < 60 ? "search" : "wire-money";
                double reward = agent.equals("d1") || i < 60 ? 1.0 + 0.01 * (i % 5) : 3.0;
                Interaction in = new Interaction(agent + "-" + i, agent, null, T0.plusSeconds(60L * i), (long) i,
                        null, null, new Action("tool_call", tool, null), reward, null, null, null);
                interactions.pipeInput(bytes(agent), EventJson.write(in));
            }
        }
        return alerts.readValuesToList().stream()
                .map(a -> List.<Object>of(a.alertId(), a.type(), a.agentId(), a.triggerEventId(), a.evidence()))
                .toList();
    }

    private static boolean cached(StateStore store) {
        for (StateStore s = store; s instanceof WrappedStateStore<?, ?, ?> wrapper; s = wrapper.wrapped()) {
            if (s instanceof CachingKeyValueStore) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aRewardGlitchIsCountedAndItsInteractionJudged() {
        publish(policy(1, T0, "wire-money"));
        for (int i = 0; i < 40; i++) {
            double reward = i == 20 ? 1e9 : 1.0 + 0.01 * (i % 5);
            Interaction in = new Interaction("a7-" + i, "a7", null, T0.plusSeconds(60L * i), (long) i,
                    null, null, new Action("tool_call", "search", null), reward, null, null, null);
            interactions.pipeInput(bytes("a7"), EventJson.write(in));
        }
        assertEquals(1.0, metrics.registry().get("ballast.rewards.left.out").counter().count());
        assertEquals(40.0, metrics.registry().get("ballast.interactions").tag("outcome", "compliant").counter().count());
        assertTrue(dlq.isEmpty(), "a glitched reward is no bad input: the interaction is judged");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void agentThatStartsBreakingARuleIsAlertedOnceWithItsTriggerEvent() {
        publish(policy(1, T0, "wire-money"));
        for (int i = 0; i < 60; i++) {
            act("a1", i, "search", bytes("a1"));
        }
        for (int i = 60; i < 100; i++) {
            act("a1", i, "wire-money", bytes("a1"));
        }
        List<TestRecord<String, Alert>> out = alerts.readRecordsToList();
        assertEquals(1, out.size(), "one alert per episode");
        Alert alert = out.get(0).value();
        assertEquals("a1", out.get(0).key());
        assertEquals(AlertType.DRIFT, alert.type(), "no reward advantage, so drift rather than tipping");
        int trigger = Integer.parseInt(alert.triggerEventId().substring(3));
        assertTrue(trigger >= 60 && trigger < 70, "fires within a few events of the change, got " + trigger);
        assertEquals("conduct@1", alert.policyVersion());
    }

    /**
     * An agent starts breaking a rule for no more pay than complying (DRIFT); a few events into the
     * episode its violations start to pay double. The escalation reaches the alerts topic as a
     * second alert of the same episode, with its own id, and counts as a TIPPING alert and as an
     * escalation.
     */
    @Test
    void aDriftEpisodeWhoseViolationsStartToPayIsEscalatedToTipping() {
        publish(policy(1, T0, "wire-money"));
        for (int i = 0; i < 100; i++) {
            String tool = i < 60 ? "search" : "wire-money";
            double reward = i < 70 ? 1.0 + 0.01 * (i % 5) : 2.0;
            Interaction in = new Interaction("a9-" + i, "a9", null, T0.plusSeconds(60L * i), (long) i,
                    null, null, new Action("tool_call", tool, null), reward, null, null, null);
            interactions.pipeInput(bytes("a9"), EventJson.write(in));
        }
        List<Alert> out = alerts.readValuesToList();
        assertEquals(2, out.size(), "the opening alert and its escalation: " + out);
        Alert drift = out.get(0);
        Alert tipping = out.get(1);
        assertEquals(AlertType.DRIFT, drift.type());
        assertFalse(drift.escalation());
        assertEquals(AlertType.TIPPING, tipping.type());
        assertTrue(tipping.escalation());
        assertEquals("DRIFT", tipping.evidence().get(Alert.ESCALATED_FROM));
        assertEquals(drift.evidence().get("episode"), tipping.evidence().get("episode"));
        assertEquals("paid-violation-cusum", tipping.detector());
        assertNotEquals(drift.alertId(), tipping.alertId());
        int trigger = Integer.parseInt(tipping.triggerEventId().substring(3));
        assertTrue(trigger > 70 && trigger < 80, "within a few paid violations, got " + trigger);
        assertEquals(1.0, metrics.registry().get("ballast.alerts").tag("type", "TIPPING").counter().count());
        assertEquals(1.0, metrics.registry().get("ballast.alerts").tag("type", "DRIFT").counter().count());
        assertEquals(1.0, metrics.registry().get("ballast.alert.escalations").counter().count());
    }

    /**
     * What a compacted policy topic still holds (the last record of each key) for a history of
     * three versions, keyed one way or the other.
     */
    private static List<Policy> compacted(List<Policy> history, java.util.function.Function<Policy, String> key) {
        Map<String, Policy> last = new java.util.LinkedHashMap<>();
        history.forEach(p -> last.put(key.apply(p), p));
        return List.copyOf(last.values());
    }

    @Test
    void policyHistoryKeyedByVersionSurvivesCompaction() {
        List<Policy> history = List.of(policy(1, T0, "wire-money"), policy(2, T0.plusSeconds(60L * 100), "bulk-email"),
                policy(3, T0.plusSeconds(60L * 200), "delete-files"));
        assertEquals(1, compacted(history, Policy::policyId).size(), "keyed by policy, compaction keeps only v3");
        List<Policy> kept = compacted(history, Policy::versionKey);
        assertEquals(3, kept.size());
        // A monitor started after compaction: an agent that wired money under version 1 is still judged by it.
        kept.forEach(p -> policies.pipeInput(bytes(p.versionKey()), EventJson.write(p)));
        for (int i = 0; i < 60; i++) {
            act("a7", i, "search", bytes("a7"));
        }
        for (int i = 60; i < 100; i++) {
            act("a7", i, "wire-money", bytes("a7"));
        }
        Alert alert = alerts.readValue();
        assertEquals("conduct@1", alert.policyVersion());
        assertTrue(dlq.isEmpty());
    }

    @Test
    void policyVersionAppliesFromItsEffectiveTimeOnly() {
        publish(policy(1, T0, "wire-money"));
        publish(policy(2, T0.plusSeconds(60L * 200), "bulk-email"));
        // Bulk email is allowed under version 1: no alert however often the agent does it.
        for (int i = 0; i < 200; i++) {
            act("a2", i, i < 60 ? "search" : "bulk-email", bytes("a2"));
        }
        assertTrue(alerts.isEmpty(), "nothing violates version 1");
        for (int i = 200; i < 230; i++) {
            act("a2", i, "bulk-email", bytes("a2"));
        }
        Alert alert = alerts.readValue();
        assertEquals("conduct@2", alert.policyVersion());
        assertTrue(Integer.parseInt(alert.triggerEventId().substring(3)) >= 200);
    }

    /** A version that arrives after interactions it governs were judged is counted: those stay judged by the old one. */
    @Test
    void aVersionArrivingAfterTheInteractionsItGovernsIsReportedLate() {
        publish(policy(1, T0, "wire-money"));
        for (int i = 0; i < 100; i++) {
            act("a5", i, "bulk-email", bytes("a5"));
        }
        publish(policy(2, T0.plusSeconds(60L * 200), "bulk-email"));
        assertEquals(0.0, late(), "takes effect after everything judged so far");
        publish(policy(3, T0.plusSeconds(60L * 50), "bulk-email"));
        assertEquals(1.0, late(), "interactions 50-99 were judged before version 3 arrived");
        publish(policy(3, T0.plusSeconds(60L * 50), "bulk-email"));
        assertEquals(1.0, late(), "a version sent again is not late again");
        assertTrue(alerts.isEmpty(), "judged by version 1, under which bulk email is allowed");
    }

    private double late() {
        return metrics.registry().get("ballast.policy.versions.late").tag("processor", "monitor").counter().count();
    }

    @Test
    void malformedInteractionIsDeadLetteredWithReasonAndSourceCoordinates() {
        byte[] bad = bytes("{\"eventId\":\"e1\",\"agentId\":\"a3\",\"timestamp\":\"yesterday\"}");
        interactions.pipeInput(bytes("a3"), bad);
        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertEquals("a3", new String(dead.key(), StandardCharsets.UTF_8));
        assertEquals(new String(bad, StandardCharsets.UTF_8), new String(dead.value(), StandardCharsets.UTF_8));
        assertEquals("timestamp: not ISO-8601 (got 'yesterday')", header(dead, DeadLetterHeaders.ERROR));
        assertEquals(config.topics().interactions(), header(dead, DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals("0", header(dead, DeadLetterHeaders.SOURCE_OFFSET));
        assertEquals(1.0, metrics.deadLetterCount());
        assertTrue(dlq.isEmpty());
    }

    /**
     * An at-least-once producer that re-sends a burst of violations must not make them count twice:
     * the burst alone is below the alarm level, doubled it would cross it.
     */
    @Test
    void reSentInteractionsAreJudgedOnceAndDeadLettered() {
        publish(policy(1, T0, "wire-money"));
        for (int i = 0; i < 200; i++) {
            act("a4", i, "search", bytes("a4"));
        }
        for (int i = 200; i < 202; i++) {
            act("a4", i, "wire-money", bytes("a4"));
            act("a4", i, "wire-money", bytes("a4"));
            act("a4", i, "wire-money", bytes("a4"));
        }
        assertTrue(alerts.isEmpty(), "two violations, each sent three times, are two violations");
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(4, dead.size());
        assertEquals("a4", new String(dead.get(0).key(), StandardCharsets.UTF_8));
        assertTrue(new String(dead.get(0).value(), StandardCharsets.UTF_8).contains("\"eventId\":\"a4-200\""));
        assertTrue(header(dead.get(0), DeadLetterHeaders.ERROR).startsWith("eventId and timestamp: already seen among this agent's last"),
                header(dead.get(0), DeadLetterHeaders.ERROR));
        assertEquals(config.topics().interactions(), header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC));
        assertEquals("201", header(dead.get(0), DeadLetterHeaders.SOURCE_OFFSET));
        assertEquals(4.0, metrics.deadLetterCount());
        // A new event id is judged again.
        for (int i = 202; i < 212; i++) {
            act("a4", i, "wire-money", bytes("a4"));
        }
        assertEquals(1, alerts.readRecordsToList().size());
    }

    /**
     * A clock set to year 9999 must not carry the task's event time there (every group signal after
     * it would reach the group monitor late); an hour of skew is a clock, not an error.
     */
    @Test
    void anInteractionStampedFarAfterItWasSentIsDeadLettered() {
        publish(policy(1, T0, "wire-money"));
        Instant sent = T0.plusSeconds(3_600);
        Interaction future = new Interaction("a5-far", "a5", null, Instant.parse("9999-12-31T23:59:59Z"), 1L, null,
                null, new Action("tool_call", "search", null), 1.0, null, null, null);
        Interaction skewed = new Interaction("a5-skewed", "a5", null, sent.plusSeconds(3_600), 2L, null, null,
                new Action("tool_call", "search", null), 1.0, null, null, null);
        interactions.pipeInput(bytes("a5"), EventJson.write(future), sent);
        interactions.pipeInput(bytes("a5"), EventJson.write(skewed), sent);
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(1, dead.size());
        String reason = header(dead.get(0), DeadLetterHeaders.ERROR);
        assertTrue(reason.startsWith("timestamp: 9999-12-31T23:59:59Z is 69,"), reason);
        assertTrue(reason.contains(" hours after its record's time 2026-01-01T01:00:00Z"), reason);
        assertTrue(reason.contains("more than event.max.ahead.ms (86400000)"), reason);
        assertEquals("future_timestamp", BallastMetrics.reasonKind(reason));
        assertTrue(new String(dead.get(0).value(), StandardCharsets.UTF_8).contains("\"eventId\":\"a5-far\""));
    }

    @Test
    void badPolicyVersionIsDeadLetteredAndPreviousVersionStaysInForce() {
        publish(policy(1, T0, "wire-money"));
        Policy broken = new Policy("conduct", 2, T0, null, List.of(new Rule("typo", Severity.LOW, "x",
                new RuleCondition(null, null, "(unclosed", null, null, null, null))), null);
        publish(broken);
        String reason = header(dlq.readRecord(), DeadLetterHeaders.ERROR);
        assertTrue(reason.startsWith("policy conduct@2 rejected, the previous version stays in force: "
                + "rules[0].when.responseMatches: bad regex"), reason);
        for (int i = 0; i < 60; i++) {
            act("a4", i, "search", bytes("a4"));
        }
        for (int i = 60; i < 80; i++) {
            act("a4", i, "wire-money", bytes("a4"));
        }
        assertEquals("conduct@1", alerts.readValue().policyVersion());
        assertEquals(1.0, rejectedPolicies());
    }

    @Test
    void policyWithUnknownConditionKeyIsRejected() {
        policies.pipeInput(bytes("conduct"), bytes("{\"policyId\":\"conduct\",\"version\":1,\"effectiveAt\":\"2026-01-01T00:00:00Z\","
                + "\"rules\":[{\"id\":\"r\",\"severity\":\"low\",\"description\":\"d\",\"when\":{\"actionName\":[\"x\"]}}]}"));
        String reason = header(dlq.readRecord(), DeadLetterHeaders.ERROR);
        assertTrue(reason.startsWith("rules[0].when.actionName: unknown field"), reason);
        assertEquals(1.0, rejectedPolicies(), "a policy of the wrong shape is a rejected policy too");
    }

    private double rejectedPolicies() {
        return metrics.registry().get("ballast.policy.versions.rejected").counter().count();
    }

    @Test
    void interactionsWithoutAKeyAreRoutedByAgentId() {
        publish(policy(1, T0, "wire-money"));
        for (int i = 0; i < 60; i++) {
            act("a5", i, "search", null);
        }
        for (int i = 60; i < 80; i++) {
            act("a5", i, "wire-money", i % 2 == 0 ? null : bytes("someone-else"));
        }
        TestRecord<String, Alert> alert = alerts.readRecord();
        assertEquals("a5", alert.key());
        assertNull(alert.value().groupId());
        assertTrue(dlq.isEmpty());
    }

    @Test
    void deviancePassedFromPeerToPeerRaisesOneDiffusionAlertKeyedByGroup() {
        publish(policy(1, T0, "collude"));
        List<String> members = List.of("g-1", "g-2", "g-3", "g-4", "g-5", "g-6");
        for (int round = 0; round < 120; round++) {
            for (String agent : members) {
                int turn = switch (agent) {
                    case "g-1" -> 60;
                    case "g-2" -> 64;
                    case "g-3" -> 68;
                    default -> Integer.MAX_VALUE;
                };
                // g-2 watches g-1 and g-3 watches g-2 in the rounds before they turn.
                String watched = agent.equals("g-2") ? "g-1" : agent.equals("g-3") ? "g-2" : "g-6";
                Interaction in = new Interaction(agent + "-" + round, agent, "team-a", T0.plusSeconds(60L * round),
                        (long) round, null, null, new Action("tool_call", round >= turn ? "collude" : "search", null),
                        1.0, List.of(watched), null, null);
                interactions.pipeInput(bytes(agent), EventJson.write(in));
            }
        }
        List<TestRecord<String, Alert>> diffusion = alerts.readRecordsToList().stream()
                .filter(r -> r.value().type() == AlertType.DIFFUSION).toList();
        assertEquals(1, diffusion.size());
        assertEquals("team-a", diffusion.get(0).key());
        assertEquals("g-1", diffusion.get(0).value().evidence().get("patientZero"));
        assertEquals("team-a", diffusion.get(0).value().groupId());
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
