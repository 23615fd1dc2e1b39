package dev.ballast.streams.eval;

import dev.ballast.streams.drift.RecentEventIds;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Position of each event in its agent's own stream, in the order the events were read. An event
 * repeating one of its agent's latest (same id and timestamp) takes no position, as the monitor
 * does not judge it.
 */
public final class EventPositions implements DetectionScorer.EventIndex {
    private final Map<String, Long> positions = new HashMap<>();
    private final Map<String, Long> counts = new HashMap<>();
    private final Map<String, RecentEventIds> recent = new HashMap<>();
    private final Predicate<String> kept;

    /** Keeps the position of every event. */
    public EventPositions() {
        this(id -> true);
    }

    /**
     * Keeps the positions of the events {@code kept} accepts, and counts every agent's events: a
     * replay places only the events a report asks about, in memory that grows with agents, not
     * events.
     */
    public EventPositions(Predicate<String> kept) {
        this.kept = kept;
    }

    /** Gives the event its position; false if it repeats one of the agent's latest events. */
    public boolean add(String agentId, String eventId, long timestampMillis) {
        if (!recent.computeIfAbsent(agentId, a -> new RecentEventIds()).add(eventId, timestampMillis)) {
            return false;
        }
        long at = counts.merge(agentId, 1L, Long::sum) - 1;
        if (kept.test(eventId)) {
            positions.putIfAbsent(eventId, at);
        }
        return true;
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
