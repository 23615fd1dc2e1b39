package dev.ballast.evaluation;

import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.eval.EventPositions;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.policy.PolicyEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each agent's violation indicator stream, judged by the same policy engine as the monitor: the
 * input every detector in the comparison sees.
 */
final class AgentStreams {
    /** One event of one agent: whether it violated the policy in force, and its reward if it had one. */
    record Step(String eventId, boolean violation, Double reward) {
    }

    final Map<String, List<Step>> byAgent = new LinkedHashMap<>();
    final EventPositions positions = new EventPositions();

    static AgentStreams of(List<String> policyLines, List<String> interactionLines) {
        PolicyEngine engine = OfflineRun.policies(policyLines);
        AgentStreams streams = new AgentStreams();
        for (String line : interactionLines) {
            if (EventJson.readInteraction(line.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<Interaction> ok) {
                Interaction i = ok.value();
                // A re-sent interaction is judged once by the monitor, so by every detector here too.
                if (!streams.positions.add(i.agentId(), i.eventId(), i.timestamp().toEpochMilli())) {
                    continue;
                }
                streams.byAgent.computeIfAbsent(i.agentId(), a -> new ArrayList<>())
                        .add(new Step(i.eventId(), engine.evaluate(i).violation(), i.reward()));
            }
        }
        return streams;
    }
}
