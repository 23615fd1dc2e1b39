package dev.ballast.streams.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ballast.streams.drift.AgentState;
import org.junit.jupiter.api.Test;

class AgentStateCacheTest {

    @Test
    void holdsAtMostItsCapacityDroppingTheLeastRecentlyJudged() {
        AgentStateCache cache = new AgentStateCache(2);
        AgentState a = new AgentState();
        AgentState b = new AgentState();
        cache.put("a", a);
        cache.put("b", b);
        assertSame(a, cache.get("a"), "a looked up: now the most recent");
        cache.put("c", new AgentState());
        assertEquals(2, cache.size());
        assertNull(cache.get("b"), "b, the least recently judged, is dropped");
        assertSame(a, cache.get("a"));
    }

    @Test
    void aCapacityOfZeroHoldsNothing() {
        AgentStateCache cache = new AgentStateCache(0);
        cache.put("a", new AgentState());
        assertNull(cache.get("a"));
        assertEquals(0, cache.size());
        assertThrows(IllegalArgumentException.class, () -> new AgentStateCache(-1));
    }
}
