package dev.ballast.evaluation;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.eval.EventPositions;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.policy.PolicyEngine;
import dev.ballast.streams.replay.ReplayInputs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Each agent's violation indicator stream, judged by the same policy engine as the monitor: the
 * input every detector in the comparison sees.
 */
final class AgentStreams {
    /** One event of one agent: its time, whether it violated the policy in force, and its reward if it had one. */
    record Step(String eventId, long timestampMillis, boolean violation, Double reward) {
    }

    final Map<String, List<Step>> byAgent = new LinkedHashMap<>();
    final EventPositions positions = new EventPositions();
    private final PolicyEngine engine;

    private AgentStreams(PolicyEngine engine) {
        this.engine = engine;
    }

    static AgentStreams of(List<String> policyLines, List<String> interactionLines) {
        AgentStreams streams = new AgentStreams(OfflineRun.policies(policyLines));
        interactionLines.forEach(line -> streams.add(line.getBytes(StandardCharsets.UTF_8)));
        return streams;
    }

    /**
     * The streams of an input directory's interactions, read from disk: only the judged events are
     * kept. Records over {@code maxRecordBytes} are left out, as the monitor dead-letters them unread.
     */
    static AgentStreams of(ReplayInputs inputs, int maxRecordBytes) {
        AgentStreams streams = new AgentStreams(OfflineRun.policies(inputs.lines(ReplayInputs.POLICIES)));
        inputs.forEach(ReplayInputs.INTERACTIONS, (i, bytes, length) -> {
            if (length <= maxRecordBytes) {
                streams.add(bytes);
            }
        });
        return streams;
    }

    private void add(byte[] record) {
        if (EventJson.readInteraction(record) instanceof Decoded.Ok<Interaction> ok) {
            Interaction i = ok.value();
            // A re-sent interaction is judged once by the monitor, so by every detector here too.
            if (positions.add(i.agentId(), i.eventId(), i.timestamp().toEpochMilli())) {
                byAgent.computeIfAbsent(i.agentId(), a -> new ArrayList<>())
                        .add(new Step(i.eventId(), i.timestamp().toEpochMilli(), engine.evaluate(i).violation(),
                                i.reward()));
            }
        }
    }

    /** Whether {@code alert} reports one agent's own events (DRIFT, TIPPING): what the detectors here are scored on. */
    static boolean isAgentAlert(Alert alert) {
        return alert.type() == AlertType.DRIFT || alert.type() == AlertType.TIPPING;
    }

    /**
     * How many of {@code agentAlerts} were raised by no event of these streams: none with their
     * trigger event's id at their event time, or that event complied (every statistic of the
     * monitor gains evidence only on a violation, so an alert fires on one). Event ids and times
     * alone do not tell two inputs apart when their producers number and time events alike, as the
     * simulator does for every seed.
     */
    long raisedElsewhere(List<Alert> agentAlerts) {
        Map<String, Long> wanted = new HashMap<>();
        agentAlerts.forEach(a -> wanted.merge(a.triggerEventId() + '\u0000'
                + (a.eventTimestamp() == null ? "" : a.eventTimestamp().toEpochMilli()), 1L, Long::sum));
        Set<String> triggers = agentAlerts.stream().map(Alert::triggerEventId).collect(Collectors.toSet());
        long found = 0;
        for (List<Step> steps : byAgent.values()) {
            for (Step step : steps) {
                if (step.violation() && triggers.contains(step.eventId())) {
                    Long n = wanted.remove(step.eventId() + '\u0000' + step.timestampMillis());
                    found += n == null ? 0 : n;
                }
            }
        }
        return agentAlerts.size() - found;
    }
}
