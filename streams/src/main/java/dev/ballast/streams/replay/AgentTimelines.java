package dev.ballast.streams.replay;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.policy.PolicyEngine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The violation history of the agents a report plots: those with a TIPPING or DRIFT alert, the
 * earliest alerted first, at most {@code max}. Each agent's events are judged, in the order of
 * the input, by the same policy engine the monitor uses.
 */
public final class AgentTimelines {
    private AgentTimelines() {
    }

    /** Violation flag per event, in the agent's event order, for each plotted agent. */
    public static Map<String, boolean[]> of(List<Alert> alerts, List<String> policyLines, List<String> interactionLines,
                                            int max) {
        Map<String, List<Boolean>> flags = new LinkedHashMap<>();
        for (Alert a : alerts) {
            if ((a.type() == AlertType.TIPPING || a.type() == AlertType.DRIFT) && a.agentId() != null
                    && flags.size() < max) {
                flags.putIfAbsent(a.agentId(), new ArrayList<>());
            }
        }
        if (flags.isEmpty()) {
            return Map.of();
        }
        PolicyEngine engine = OfflineRun.policies(policyLines);
        for (String line : interactionLines) {
            if (EventJson.readInteraction(line.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<Interaction> ok) {
                List<Boolean> agent = flags.get(ok.value().agentId());
                if (agent != null) {
                    agent.add(engine.evaluate(ok.value()).violation());
                }
            }
        }
        Map<String, boolean[]> out = new LinkedHashMap<>();
        flags.forEach((agentId, list) -> {
            boolean[] f = new boolean[list.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = list.get(i);
            }
            out.put(agentId, f);
        });
        return out;
    }
}
