package dev.ballast.streams.drift;

import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * An agent's last {@value #CAPACITY} events, each as a 64-bit hash of its id and timestamp, in a
 * ring: enough to tell an interaction an at-least-once producer sent again (a retry lands right
 * after the original, with the same id and timestamp) from a new one, in fixed space. Counting a
 * re-sent violation twice would move the agent's detectors on evidence that was never there. The
 * timestamp is part of the key so that a producer that reuses one id for every event (a bug, but
 * one that must not blind the monitor) still has each event judged. Two different events share a
 * hash with odds near 2^-61 per pair compared, so a new event is taken for a repeat practically
 * never.
 */
public final class RecentEventIds {
    /** How many of the agent's latest events are remembered. */
    public static final int CAPACITY = 8;
    /** Starts the dead-letter reason of a repeated interaction (and tells its kind in metrics). */
    public static final String ALREADY_SEEN = "already seen among this agent's last";
    private static final long SEED = 9001L;
    final long[] hashes = new long[CAPACITY];
    /** Events remembered so far (at most {@link #CAPACITY}) and the slot the next one takes. */
    int size;
    int next;

    /** Remembers the event; false, and nothing changes, if it is among the remembered ones. */
    public boolean add(String eventId, long timestampMillis) {
        long h = hash(eventId, timestampMillis);
        for (int i = 0; i < size; i++) {
            if (hashes[i] == h) {
                return false;
            }
        }
        hashes[next] = h;
        next = (next + 1) % CAPACITY;
        size = Math.min(CAPACITY, size + 1);
        return true;
    }

    /** The timestamp seeds the hash of the id: no second buffer per record on the monitor's path. */
    private static long hash(String eventId, long timestampMillis) {
        return MurmurHash3.hash(eventId.getBytes(StandardCharsets.UTF_8), SEED ^ timestampMillis)[0];
    }
}
