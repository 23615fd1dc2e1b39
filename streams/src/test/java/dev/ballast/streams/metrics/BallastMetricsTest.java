package dev.ballast.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.monitor.InteractionMonitor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BallastMetricsTest {
    private static String reason(String json) {
        return ((Decoded.Rejected<?>) EventJson.readInteraction(json.getBytes(StandardCharsets.UTF_8))).reason();
    }

    @Test
    void deadLettersAreCountedByTopicAndABoundedKindOfReason() {
        assertEquals("invalid_json", BallastMetrics.reasonKind("value: not valid JSON: Unexpected end-of-input"));
        assertEquals("missing_field", BallastMetrics.reasonKind("agentId: required"));
        assertEquals("wrong_type", BallastMetrics.reasonKind("reward: expected a number (got 'lots')"));
        assertEquals("empty", BallastMetrics.reasonKind("value: empty record"));
        assertEquals("policy_rejected", BallastMetrics.reasonKind("policy p@3 rejected, the previous version stays"));
        assertEquals("invalid_value", BallastMetrics.reasonKind("timestamp: not ISO-8601 (got 'yesterday')"));
        assertEquals("too_deep", BallastMetrics.reasonKind(reason("{\"a\":" + "[".repeat(5_000))));
        assertEquals("number_too_long", BallastMetrics.reasonKind(reason("{\"a\":" + "1".repeat(5_000) + "}")));
        assertEquals("duplicate_field", BallastMetrics.reasonKind(reason("{\"a\":1,\"a\":2}")));
        Interaction once = ((Decoded.Ok<Interaction>) EventJson.readInteraction(
                "{\"eventId\":\"e1\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8))).value();
        AgentState state = new AgentState();
        InteractionMonitor.repeated(once, state);
        assertEquals("repeated_event", BallastMetrics.reasonKind(InteractionMonitor.repeated(once, state).orElseThrow()));
        assertEquals("invalid_utf8", BallastMetrics.reasonKind(
                ((Decoded.Rejected<?>) EventJson.readInteraction(new byte[]{'{', '"', (byte) 0xff, '"'})).reason()));

        BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
        metrics.deadLetter("agent.interactions", "agentId: required");
        metrics.deadLetter("agent.interactions", "agentId: required");
        metrics.deadLetter("agent.interactions", "value: not valid JSON: x");
        assertEquals(2.0, metrics.registry().get("ballast.dlq.records").tag("reason", "missing_field").counter().count());
        assertEquals(3.0, metrics.deadLetterCount());
    }
}
