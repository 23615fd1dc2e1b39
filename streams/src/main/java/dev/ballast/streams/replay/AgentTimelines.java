package dev.ballast.streams.replay;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.policy.PolicyEngine;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The violation history of the agents a report plots: those with a TIPPING or DRIFT alert, the
 * earliest alerted first, at most {@code max}. Their events are judged by the same policy engine
 * the monitor uses; the replay notes which input lines are whose as it produces them
 * ({@link #add}), so only the plotted agents' lines are read again.
 */
public final class AgentTimelines {
    private final Map<String, int[]> lines = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();

    /** Notes that input line {@code line} (0-based) is an event of {@code agentId}. */
    public void add(String agentId, int line) {
        int n = counts.merge(agentId, 1, Integer::sum);
        int[] own = lines.computeIfAbsent(agentId, a -> new int[8]);
        if (n > own.length) {
            own = Arrays.copyOf(own, own.length * 2);
            lines.put(agentId, own);
        }
        own[n - 1] = line;
    }

    /** Violation flag per event, in the agent's event order, for each plotted agent. */
    public Map<String, boolean[]> of(List<Alert> alerts, List<String> policyLines, List<byte[]> interactionLines,
                                     int max) {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        PolicyEngine engine = null;
        for (Alert a : alerts) {
            if ((a.type() != AlertType.TIPPING && a.type() != AlertType.DRIFT) || a.agentId() == null
                    || out.containsKey(a.agentId()) || !lines.containsKey(a.agentId())) {
                continue;
            }
            if (out.size() == max) {
                break;
            }
            engine = engine == null ? OfflineRun.policies(policyLines) : engine;
            int n = counts.get(a.agentId());
            int[] own = lines.get(a.agentId());
            boolean[] flags = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (EventJson.readInteraction(interactionLines.get(own[i])) instanceof Decoded.Ok<Interaction> ok) {
                    flags[i] = engine.evaluate(ok.value()).violation();
                }
            }
            out.put(a.agentId(), flags);
        }
        return out;
    }
}
