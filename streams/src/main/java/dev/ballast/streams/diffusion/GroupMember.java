package dev.ballast.streams.diffusion;

import dev.ballast.events.FieldProblems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One agent as its group monitor sees it: a bounded ring of its latest peer observations, its
 * event rhythm, and, once it turned, the observations that could explain the turn. Stored by
 * {@link GroupMemberCodec}; at most {@code 2 * observationMemory} observations, so bounded.
 */
public final class GroupMember {
    /** A peer seen at an event time (epoch ms). */
    public record Observation(String peer, long at) {
    }

    /** Most violation times kept: enough to find a turn's first violation a few events back at any deviant's rate. */
    static final int VIOLATION_MEMORY = 32;
    /** Stored bytes of everything but the sightings, at most: fixed fields and the violation times. */
    private static final long FIXED_BYTES_BOUND = 128 + 8L * VIOLATION_MEMORY;
    /** Stored bytes of one sighting beside its peer's id: the id's index and the time. */
    private static final int SIGHTING_BYTES = 12;
    /** Stored bytes of the longest peer id an input may carry: its length and three UTF-8 bytes a character. */
    private static final long LONGEST_PEER_BYTES = 4 + 3L * FieldProblems.MAX_ID_CHARS;

    public List<Observation> recent = new ArrayList<>();
    /** Event times (epoch ms) of this agent's latest violations, oldest first, at most {@link #VIOLATION_MEMORY}. */
    public List<Long> violations = new ArrayList<>();
    /** Event time from which {@link #violations} is complete; 0 for state stored before it was kept. */
    public long violationsSince;
    public List<Observation> exposures = new ArrayList<>();
    public long events;
    public long lastEventMillis;
    /** Exponentially weighted gap between this agent's events, in ms. */
    public double meanGapMillis;
    public boolean deviant;
    /** Consecutive events for which the agent's own monitor has (or has not) reported it suspected. */
    public int suspectedStreak;
    public int clearStreak;

    void observe(long at, boolean violated, List<String> peers, int memory, long maxRecordBytes) {
        if (violationsSince == 0) {
            violationsSince = at;
        }
        if (violated) {
            violations.add(at);
            if (violations.size() > VIOLATION_MEMORY) {
                violations.remove(0);
            }
        }
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
            // Counted only where a full memory of the longest ids could pass the bound: never
            // under the defaults, so a grouped agent's signals pay nothing for it there.
            if (FIXED_BYTES_BOUND + (long) memory * (SIGHTING_BYTES + LONGEST_PEER_BYTES) > maxRecordBytes / 2) {
                keepSightingsWithin(maxRecordBytes / 2);
            }
        }
    }

    /**
     * Drops the oldest sightings while they would take more than {@code maxBytes} stored (each
     * distinct peer's id once, as {@link GroupMemberCodec} writes them): the record is one of the
     * group changelog's, whose records are bounded, and many long ids would pass that. Half the
     * record's bound, since the exposures kept from a turn may name as many other peers.
     */
    private void keepSightingsWithin(long maxBytes) {
        long bytes = FIXED_BYTES_BOUND;
        Set<String> seen = new HashSet<>();
        for (int i = recent.size() - 1; i >= 0; i--) {
            String peer = recent.get(i).peer();
            bytes += SIGHTING_BYTES + (seen.add(peer) ? 4 + 3L * peer.length() : 0);
            if (bytes > maxBytes) {
                recent.subList(0, i + 1).clear();
                return;
            }
        }
    }

    /**
     * Whether a peer who saw this agent at {@code seenAt} may have seen it break a rule: it
     * violated in about its last two decisions before then (which decision a peer saw is not
     * known), or its memory does not reach back that far (the sighting came before its first
     * reported event, or the ring has rolled past it). A sighting of nothing but compliance
     * cannot teach deviance.
     */
    boolean mayHaveShownViolation(long seenAt) {
        long from = seenAt - span(2);
        if (violationsSince == 0 || violationsSince > from
                || violations.size() >= VIOLATION_MEMORY && violations.get(0) >= from) {
            return true;
        }
        return violations.stream().anyMatch(v -> v >= from && v < seenAt);
    }

    /** The earliest violation kept between {@code from} and {@code to} (inclusive, epoch ms), if any. */
    OptionalLong firstViolationBetween(long from, long to) {
        return violations.stream().mapToLong(Long::longValue).filter(v -> v >= from && v <= to).findFirst();
    }

    /** Duration of {@code n} of this agent's events, from its own rhythm. */
    long span(double n) {
        return Math.round(n * meanGapMillis);
    }
}
