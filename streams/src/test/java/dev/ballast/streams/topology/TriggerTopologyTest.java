package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.EventJson;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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
    private final BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> triage;
    private TestInputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<String, RealignJob> jobs;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        BallastConfig config = BallastConfig.defaults().with("trigger.conflicts.min", "3");
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
}
