package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.EventJson;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trigger as wired into the application: what reaches it through the triage and alert topics. */
class TriggerTopologyTest {
    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
    /** The default trigger.order.grace.ms, and a little more. */
    private static final Duration GRACE = Duration.ofMillis(10_001);
    private static final BallastConfig SURGE = BallastConfig.defaults().with("trigger.alerts.min", "3");
    private final BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> triage;
    private TestInputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<String, RealignJob> jobs;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        BallastConfig config = SURGE.with("trigger.conflicts.min", "3");
        driver = ApplicationDriver.start(config, "trigger-topology-test", metrics);
        BallastConfig.TopicNames topics = config.topics();
        triage = ApplicationDriver.rawInput(driver, topics.triage());
        alerts = ApplicationDriver.rawInput(driver, topics.alerts());
        jobs = ApplicationDriver.jsonOutput(driver, topics.jobs(), RealignJob.class);
        dlq = ApplicationDriver.rawOutput(driver, topics.dlq());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void conflict(String pairId, int second) {
        TriageDecision d = new TriageDecision(pairId, TriageDecision.Action.INVERT, 1.0, "care@2",
                List.of("no-promises"), List.of());
        triage.pipeInput(bytes(pairId), EventJson.write(d), T0.plusSeconds(second));
    }

    @Test
    void recordsThatDoNotDecodeAreDeadLetteredAndCountingGoesOn() {
        conflict("p1", 1);
        triage.pipeInput(bytes("x"), bytes("not json"), T0.plusSeconds(2));
        triage.pipeInput(bytes("y"), bytes("{\"pairId\":\"y\",\"action\":\"SHRUG\",\"policyVersion\":\"care@2\"}"),
                T0.plusSeconds(3));
        triage.pipeInput(bytes("z"), bytes("{\"pairId\":\"z\",\"policyVersion\":\"care@2\"}"), T0.plusSeconds(4));
        alerts.pipeInput(bytes("a"), bytes("[1,2"), T0.plusSeconds(5));
        alerts.pipeInput(bytes("b"), bytes("{\"type\":\"TIPPING\"}"), T0.plusSeconds(6));
        conflict("p2", 7);
        assertTrue(jobs.isEmpty(), "two conflicts are below the threshold of three");
        conflict("p3", 8);
        conflict("p4", 9);
        driver.advanceWallClockTime(GRACE);

        List<TestRecord<String, RealignJob>> created = jobs.readRecordsToList();
        assertEquals(1, created.size());
        assertEquals("TRIAGE_CONFLICTS|care@2", created.get(0).value().reason() + "|"
                + created.get(0).value().policyVersion());
        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(5, dead.size());
        List<String> reasons = dead.stream()
                .map(r -> new String(r.headers().lastHeader(DeadLetterHeaders.ERROR).value(), StandardCharsets.UTF_8))
                .toList();
        assertTrue(reasons.get(2).contains("action"), reasons.get(2));
        assertTrue(reasons.get(4).contains("alertId"), reasons.get(4));
    }

    private static void alert(TestInputTopic<byte[], byte[]> topic, String id, String policyVersion, int minute) {
        Instant at = T0.plus(Duration.ofMinutes(minute));
        Alert a = new Alert(id, AlertType.TIPPING, "agent-" + id, null, id + "-e", at, at, "cusum", 1.0,
                policyVersion, Map.of());
        topic.pipeInput(bytes("agent-" + id), EventJson.write(a), at);
    }

    /**
     * Three alerts under care@1 in minutes 0-2 and three under care@2 in minutes 30-32, the later
     * ones arriving first (as from a partition further ahead). Counted in event-time order, care@1's
     * surge comes first and care@2's falls in its hour of cooldown: one job, for care@1. Counted as
     * they arrived it was care@2's job, and care@1's was held back by a cooldown that began after it.
     */
    private static void laterVersionArrivesFirst(TestInputTopic<byte[], byte[]> topic) {
        alert(topic, "b1", "care@2", 30);
        alert(topic, "b2", "care@2", 31);
        alert(topic, "b3", "care@2", 32);
        alert(topic, "a1", "care@1", 0);
        alert(topic, "a2", "care@1", 1);
        alert(topic, "a3", "care@1", 2);
    }

    private static void assertOnlyCare1Job(List<RealignJob> created) {
        assertEquals(1, created.size(), created.toString());
        assertEquals("care@1", created.get(0).policyVersion());
        assertEquals(List.of("a1", "a2", "a3"), created.get(0).alertIds());
        assertEquals(T0.plus(Duration.ofMinutes(2)), created.get(0).createdAt());
    }

    @Test
    void aLiveTriggerCountsAlertsInEventTimeOrderOnceTheGraceHasPassed() {
        laterVersionArrivesFirst(alerts);
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertTrue(jobs.isEmpty(), "held for the grace");
        assertEquals(6, metrics.triggerInputsHeld());
        driver.advanceWallClockTime(Duration.ofSeconds(6));
        assertOnlyCare1Job(jobs.readValuesToList());
        assertEquals(0, metrics.triggerInputsHeld());
    }

    /**
     * An agent's clock a year ahead: its alerts count at the time they were produced, so the job
     * they call for starts no cooldown a year out, and the next version's surge still gets its job.
     */
    @Test
    void anAlertStampedInTheFutureCountsWhenItWasProduced() {
        Instant produced = T0.plus(Duration.ofMinutes(3));
        for (String id : List.of("f1", "f2", "f3")) {
            Instant stamped = T0.plus(Duration.ofDays(365));
            Alert a = new Alert(id, AlertType.TIPPING, "agent-" + id, null, id + "-e", stamped, stamped, "cusum", 1.0,
                    "care@1", Map.of());
            alerts.pipeInput(bytes("agent-" + id), EventJson.write(a), produced);
        }
        driver.advanceWallClockTime(GRACE);
        alert(alerts, "c1", "care@2", 70);
        alert(alerts, "c2", "care@2", 71);
        alert(alerts, "c3", "care@2", 72);
        driver.advanceWallClockTime(GRACE);
        List<RealignJob> created = jobs.readValuesToList();
        assertEquals(List.of("care@1", "care@2"), created.stream().map(RealignJob::policyVersion).toList());
        assertEquals(produced, created.get(0).createdAt());
    }

    @Test
    void aBoundedRunCountsEverythingInEventTimeOrderWhenItsInputHasEnded() {
        driver.close();
        InputEnd end = InputEnd.bounded();
        driver = ApplicationDriver.start(SURGE, "trigger-topology-bounded-test", metrics, end);
        TestInputTopic<byte[], byte[]> boundedAlerts = ApplicationDriver.rawInput(driver, SURGE.topics().alerts());
        TestOutputTopic<String, RealignJob> boundedJobs = ApplicationDriver.jsonOutput(driver, SURGE.topics().jobs(),
                RealignJob.class);
        laterVersionArrivesFirst(boundedAlerts);
        driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertTrue(boundedJobs.isEmpty(), "a bounded run waits for its end, however long it takes");
        end.end();
        end.endTriggerInput();
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<TestRecord<String, RealignJob>> created = boundedJobs.readRecordsToList();
        assertOnlyCare1Job(created.stream().map(TestRecord::value).toList());
        // Stamped when created (after the ten minutes of wall clock above), not at its event time,
        // which for replayed logs can be older than the jobs topic's retention.
        assertTrue(created.get(0).timestamp() >= T0.plus(Duration.ofMinutes(10)).toEpochMilli(),
                Instant.ofEpochMilli(created.get(0).timestamp()).toString());
    }
}
