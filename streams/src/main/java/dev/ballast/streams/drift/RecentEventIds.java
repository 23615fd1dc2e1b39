package dev.ballast.streams.drift;

import java.nio.charset.StandardCharsets;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * An agent's last {@value #CAPACITY} event ids, as 64-bit hashes in a ring: enough to tell an
 * interaction an at-least-once producer sent again (a retry lands right after the original) from a
 * new one, in fixed space. Counting a re-sent violation twice would move the agent's detectors
 * on evidence that was never there. Two different ids share a hash with odds near 2^-61 per pair
 * compared, so a new event is taken for a repeat practically never.
 */
public final class RecentEventIds {
    /** How many of the agent's latest event ids are remembered. */
    public static final int CAPACITY = 8;
    /** Starts the dead-letter reason of a repeated interaction (and tells its kind in metrics). */
    public static final String ALREADY_SEEN = "already seen among this agent's last";
    private static final long SEED = 9001L;
    final long[] hashes = new long[CAPACITY];
    /** Ids remembered so far (at most {@link #CAPACITY}) and the slot the next one takes. */
    int size;
    int next;

    /** Remembers {@code eventId}; false, and nothing changes, if it is among the remembered ones. */
    public boolean add(String eventId) {
        long h = hash(eventId);
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

    private static long hash(String eventId) {
        return MurmurHash3.hash(eventId.getBytes(StandardCharsets.UTF_8), SEED)[0];
    }
}
