package dev.ballast.streams.eval;

import java.util.HashMap;
import java.util.Map;

/** Position of every event in its agent's own stream, in the order the events were read. */
public final class EventPositions implements DetectionScorer.EventIndex {
    private final Map<String, Long> positions = new HashMap<>();
    private final Map<String, Long> counts = new HashMap<>();

    public void add(String agentId, String eventId) {
        long at = counts.merge(agentId, 1L, Long::sum) - 1;
        positions.putIfAbsent(eventId, at);
    }

    @Override
    public long position(String eventId) {
        return positions.getOrDefault(eventId, -1L);
    }

    /** Distinct agents seen. */
    public long agents() {
        return counts.size();
    }

    /** Events added, over all agents. */
    public long events() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long eventCount(String agentId) {
        return counts.getOrDefault(agentId, 0L);
    }
}
