package dev.ballast.streams.eval;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.streams.sim.AgentKind;
import dev.ballast.streams.sim.GroundTruth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores agent alerts against ground truth. Delay is counted in the agent's own events: the
 * position of the alert's trigger event minus the position of the agent's first changed event, so
 * it does not depend on how many other agents share the stream. An escalation ({@link Alert#escalation()})
 * re-types its episode and is not counted as an alarm of its own: a detection is typed by its
 * episode's last word, the first alert's type or TIPPING once escalated.
 */
public final class DetectionScorer {
    private final GroundTruth truth;
    private final EventIndex index;

    /** Where each event sits in its agent's own stream. */
    public interface EventIndex {
        /** 0-based position of {@code eventId} among its agent's events, or -1 if unknown. */
        long position(String eventId);

        /** Events seen for {@code agentId}. */
        long eventCount(String agentId);
    }

    public DetectionScorer(GroundTruth truth, EventIndex index) {
        this.truth = truth;
        this.index = index;
    }

    /** The alert type an agent of this kind should raise, or null if it should raise none. */
    public static AlertType expectedType(AgentKind kind) {
        return switch (kind) {
            case TIPPING -> AlertType.TIPPING;
            case DRIFT, POLICY_SENSITIVE -> AlertType.DRIFT;
            case STABLE -> null;
        };
    }

    /** The type {@code opening}'s episode ended with: TIPPING if one of {@code alerts} escalated it. */
    private static AlertType episodeType(Alert opening, List<Alert> alerts) {
        return alerts.stream().anyMatch(a -> a.escalates(opening)) ? AlertType.TIPPING : opening.type();
    }

    public DetectionScore score(Collection<Alert> alerts) {
        Map<String, List<Alert>> byAgent = new HashMap<>();
        for (Alert alert : alerts) {
            if (alert.agentId() != null && alert.type() != AlertType.DIFFUSION) {
                byAgent.computeIfAbsent(alert.agentId(), a -> new ArrayList<>()).add(alert);
            }
        }
        Map<String, List<GroundTruth.AgentTruth>> byKind = new LinkedHashMap<>();
        for (AgentKind kind : AgentKind.values()) {
            byKind.put(kind.name(), new ArrayList<>());
        }
        truth.agents().forEach(a -> byKind.get(a.kind().name()).add(a));

        Map<String, DetectionScore.KindScore> kinds = new LinkedHashMap<>();
        long stableEvents = 0;
        long falseAlarms = 0;
        long beforeChange = 0;
        List<String> unplaced = new ArrayList<>();
        for (var entry : byKind.entrySet()) {
            List<GroundTruth.AgentTruth> agents = entry.getValue();
            boolean changed = !entry.getKey().equals(AgentKind.STABLE.name());
            int scored = 0;
            int detected = 0;
            int typed = 0;
            List<Long> delays = new ArrayList<>();
            for (GroundTruth.AgentTruth agent : agents) {
                List<Alert> all = byAgent.getOrDefault(agent.agentId(), List.of());
                List<Alert> own = new ArrayList<>(all.stream().filter(a -> !a.escalation()).toList());
                own.sort(Comparator.comparingLong(a -> index.position(a.triggerEventId())));
                if (!changed) {
                    stableEvents += index.eventCount(agent.agentId());
                    falseAlarms += own.size();
                    continue;
                }
                long changeAt = index.position(agent.changeEventId());
                if (changeAt < 0) {
                    // Without the change in the input, no alert can be placed before or after it.
                    unplaced.add(agent.agentId());
                    continue;
                }
                scored++;
                Alert first = null;
                for (Alert alert : own) {
                    long at = index.position(alert.triggerEventId());
                    if (at < changeAt) {
                        beforeChange++;
                        falseAlarms++;
                    } else if (first == null) {
                        first = alert;
                    }
                }
                if (first != null) {
                    detected++;
                    delays.add(index.position(first.triggerEventId()) - changeAt);
                    if (episodeType(first, all) == expectedType(agent.kind())) {
                        typed++;
                    }
                }
            }
            int n = changed ? scored : agents.size();
            if (n > 0) {
                kinds.put(entry.getKey(), new DetectionScore.KindScore(n, detected, typed,
                        changed ? (double) detected / n : Double.NaN, changed ? (double) typed / n : Double.NaN,
                        quantile(delays, 0.5), quantile(delays, 0.9), List.copyOf(delays)));
            }
        }
        // Without unchanged agents in the truth there is nothing to count a false-alarm rate on.
        double per100k = stableEvents == 0 ? Double.NaN : falseAlarms * 100_000.0 / stableEvents;
        return new DetectionScore(kinds, stableEvents, falseAlarms, per100k, beforeChange, List.copyOf(unplaced));
    }

    /** Nearest-rank quantile; NaN for an empty list. */
    public static double quantile(List<Long> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
