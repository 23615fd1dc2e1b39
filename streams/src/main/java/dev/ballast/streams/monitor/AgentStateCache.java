package dev.ballast.streams.monitor;

import dev.ballast.streams.drift.AgentState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded states of one monitor task's most recently judged agents, as they stand in its
 * agent store. An agent's events tend to come close together, and reading its state back from the
 * store (then through Kafka Streams' record cache, a sorted map), then decoding it, took about a
 * sixth of the stream thread; a hash lookup here skips both. Holds at most {@code capacity}
 * agents, the least recently judged one dropped first (about 700 bytes of heap each).
 *
 * <p>It mirrors the store only while its task's processor is the store's one writer, puts every
 * state it changes into the store too, and is made anew whenever the processor is initialised
 * (a task revived after a failure restores its store from the changelog first).
 */
final class AgentStateCache {
    private final Map<String, AgentState> states;

    /** {@code capacity}: agents held; 0 holds none. */
    AgentStateCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be at least 0, was " + capacity);
        }
        // Access order: a lookup makes the agent the most recent, so a busy agent is never dropped.
        this.states = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, AgentState> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The agent's state as last put, or null if it is not held. */
    AgentState get(String agentId) {
        return states.get(agentId);
    }

    /** Holds {@code state} as the agent's: the object the processor changes and puts into the store. */
    void put(String agentId, AgentState state) {
        states.put(agentId, state);
    }

    int size() {
        return states.size();
    }
}
