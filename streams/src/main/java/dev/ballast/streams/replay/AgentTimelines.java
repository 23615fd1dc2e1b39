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
    private final Map<String, Timeline> plotted = new LinkedHashMap<>();

    /** One plotted agent's events so far, and which of them violated. */
    private static final class Timeline {
        final BitSet violations = new BitSet();
        int events;
    }

    /** Plots the first {@code max} agents {@code alerts} name with a TIPPING or DRIFT alert, judged by {@code engine}. */
    public AgentTimelines(List<Alert> alerts, PolicyEngine engine, int max) {
        this.engine = engine;
        for (Alert a : alerts) {
            if (plotted.size() == max) {
                break;
            }
            if ((a.type() == AlertType.TIPPING || a.type() == AlertType.DRIFT) && a.agentId() != null) {
                plotted.putIfAbsent(a.agentId(), new Timeline());
            }
        }
    }

    /** Whether {@code agentId} is plotted, so its events must be handed to {@link #add}. */
    public boolean plots(String agentId) {
        return plotted.containsKey(agentId);
    }

    /** The next judged event of a plotted agent, in its stream's order. */
    public void add(Interaction interaction) {
        Timeline t = plotted.get(interaction.agentId());
        if (engine.evaluate(interaction).violation()) {
            t.violations.set(t.events);
        }
        t.events++;
    }

    /** Violation flag per event, in the agent's event order, for each plotted agent with events. */
    public Map<String, boolean[]> flags() {
        Map<String, boolean[]> out = new LinkedHashMap<>();
        plotted.forEach((agentId, t) -> {
            if (t.events > 0) {
                boolean[] own = new boolean[t.events];
                t.violations.stream().forEach(i -> own[i] = true);
                out.put(agentId, own);
            }
        });
        return out;
    }
}
