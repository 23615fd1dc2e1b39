package dev.ballast.streams.diffusion;

import java.util.ArrayList;
import java.util.List;

/**
 * One agent as its group monitor sees it: a bounded ring of its latest peer observations, its
 * event rhythm, and, once it turned, the observations that could explain the turn. Serialised as
 * JSON in the group store; at most {@code 2 * observationMemory} observations, so bounded.
 */
public final class GroupMember {
    /** A peer seen at an event time (epoch ms). */
    public record Observation(String peer, long at) {
    }

    public List<Observation> recent = new ArrayList<>();
    public List<Observation> exposures = new ArrayList<>();
    public long events;
    public long lastEventMillis;
    /** Exponentially weighted gap between this agent's events, in ms. */
    public double meanGapMillis;
    public boolean deviant;
    /** Consecutive events for which the agent's own monitor has (or has not) reported it suspected. */
    public int suspectedStreak;
    public int clearStreak;

    void observe(long at, List<String> peers, int memory) {
        if (events > 0) {
            long gap = Math.max(0, at - lastEventMillis);
            meanGapMillis = events == 1 ? gap : meanGapMillis + 0.1 * (gap - meanGapMillis);
        }
        events++;
        lastEventMillis = at;
        if (peers != null) {
            for (String peer : peers) {
                recent.add(new Observation(peer, at));
            }
            if (recent.size() > memory) {
                recent.subList(0, recent.size() - memory).clear();
            }
        }
    }

    /** Duration of {@code n} of this agent's events, from its own rhythm. */
    long span(int n) {
        return Math.round(n * meanGapMillis);
    }
}
