package dev.ballast.streams.replay;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Interaction;
import dev.ballast.streams.policy.PolicyEngine;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The violation history of the agents a report plots: those with a TIPPING or DRIFT alert, the
 * earliest alerted first, at most {@code max}. Their events are judged by the same policy engine
 * the monitor uses, as a second read of the input hands them over ({@link #add}); only the plotted
 * agents' flags are kept.
 */
public final class AgentTimelines {
    private final PolicyEngine engine;
    private final Map<String, BitSet> flags = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    /** Plots the first {@code max} agents {@code alerts} name with a TIPPING or DRIFT alert, judged by {@code engine}. */
    public AgentTimelines(List<Alert> alerts, PolicyEngine engine, int max) {
        this.engine = engine;
        for (Alert a : alerts) {
            if (flags.size() == max) {
                break;
            }
            if ((a.type() == AlertType.TIPPING || a.type() == AlertType.DRIFT) && a.agentId() != null) {
                flags.putIfAbsent(a.agentId(), new BitSet());
                counts.putIfAbsent(a.agentId(), 0);
            }
        }
    }

    /** Whether {@code agentId} is plotted, so its events must be handed to {@link #add}. */
    public boolean plots(String agentId) {
        return flags.containsKey(agentId);
    }

    /** The next judged event of a plotted agent, in its stream's order. */
    public void add(Interaction interaction) {
        int n = counts.merge(interaction.agentId(), 1, Integer::sum);
        if (engine.evaluate(interaction).violation()) {
            flags.get(interaction.agentId()).set(n - 1);
        }
    }

    /** Violation flag per event, in the agent's event order, for each plotted agent with events. */
    public Map<String, boolean[]> flags() {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        counts.forEach((agentId, n) -> {
            if (n > 0) {
                boolean[] own = new boolean[n];
                BitSet set = flags.get(agentId);
                for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
                    own[i] = true;
                }
                out.put(agentId, own);
            }
        });
        return out;
    }
}
