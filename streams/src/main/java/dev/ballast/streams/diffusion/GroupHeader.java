package dev.ballast.streams.diffusion;

import java.util.ArrayList;
import java.util.List;

/**
 * A group's episode bookkeeping: membership count and, while any member is deviant, who turned
 * when and from whom. Read and written only when membership or deviance changes, not per event.
 */
public final class GroupHeader {
    /** A member that turned in the current episode, and its attributed source if any. */
    public static final class Deviant {
        public String agentId;
        public long turnedAt;
        public String source;
        public long exposedAt;
        public boolean current = true;
        /** When the agent stopped looking deviant; observations after it cannot make it a source. */
        public long clearedAt = Long.MAX_VALUE;
        /** How long deviance must last to make a credible source (eight of the deviant's events, in time). */
        public long sustainMillis;
        /** Whether this turn opened the episode (counted among the quiet turns) rather than followed one. */
        public boolean opened;

        public Deviant() {
        }

        Deviant(String agentId, long turnedAt, long sustainMillis) {
            this.agentId = agentId;
            this.turnedAt = turnedAt;
            this.sustainMillis = sustainMillis;
        }

        /** Still deviant, or was for long enough that its deviance was more than a chance slip. */
        boolean sustained() {
            return current || clearedAt - turnedAt >= sustainMillis;
        }
    }

    /**
     * JSON bytes of one deviant entry beside its two ids, at most: eight field names and values,
     * three of them 64-bit times (measured: about 135 with an unset clearance time).
     */
    static final int DEVIANT_ENTRY_BYTES = 200;
    /** JSON bytes of the header's own fields, at most (measured: 313 with every number at its widest). */
    static final int OWN_FIELDS_BYTES = 320;

    public int members;
    public int untracked;
    /** UTF-8 bytes of the longest tracked member's id: a deviant's entry names it and its source. */
    public int longestMemberIdBytes;
    /**
     * Person-time at risk of turning, in member-milliseconds of event time, accrued up to
     * {@code riskSince}: while no member was deviant (whole history) and while some were (this
     * episode); with the turns seen in each state, the group's own spontaneous turning hazard and
     * its hazard under exposure.
     */
    public long riskSince = Long.MIN_VALUE;
    public double quietMemberMillis;
    public double exposedMemberMillis;
    public int quietTurns;
    public int exposedTurns;
    public long episode;
    public boolean alerted;
    public List<Deviant> deviants = new ArrayList<>();

    /**
     * Whether one more member, of {@code idBytes}, keeps this header within {@code maxBytes} even
     * if every member turns and each entry names the longest id twice (the deviant and its source).
     */
    boolean hasRoomFor(int idBytes, long maxBytes) {
        long entry = DEVIANT_ENTRY_BYTES + 2L * Math.max(longestMemberIdBytes, idBytes);
        return OWN_FIELDS_BYTES + (members + 1L) * entry <= maxBytes;
    }

    /** Adds the person-time at risk since the last change, under the state that held in it. */
    void accrue(long now) {
        if (riskSince != Long.MIN_VALUE && now > riskSince) {
            long deviantNow = currentDeviants();
            double memberMillis = (double) (members - deviantNow) * (now - riskSince);
            if (deviantNow > 0) {
                exposedMemberMillis += memberMillis;
            } else {
                quietMemberMillis += memberMillis;
            }
        }
        riskSince = Math.max(riskSince, now);
    }

    /**
     * How likely at least {@code exposedTurns} of this episode's turns fell in its exposed
     * person-time if turning had nothing to do with deviant peers: the binomial tail with the
     * exposed share of all person-time at risk. Small when deviants make their peers turn faster
     * than the group turns on its own; near 1 when deviants merely coexist.
     */
    double spontaneousP() {
        int k = quietTurns + exposedTurns;
        double total = quietMemberMillis + exposedMemberMillis;
        if (exposedTurns == 0 || total <= 0) {
            return 1.0;
        }
        double share = exposedMemberMillis / total;
        if (share <= 0) {
            return 0.0;
        }
        double tail = 0;
        for (int x = exposedTurns; x <= k; x++) {
            tail += Math.exp(logChoose(k, x) + x * Math.log(share) + (k - x) * Math.log1p(-share));
        }
        return Math.min(1.0, tail);
    }

    private static double logChoose(int n, int k) {
        double sum = 0;
        for (int i = 1; i <= k; i++) {
            sum += Math.log(n - k + i) - Math.log(i);
        }
        return sum;
    }

    Deviant deviant(String agentId) {
        return deviants.stream().filter(d -> d.agentId.equals(agentId)).findFirst().orElse(null);
    }

    long currentDeviants() {
        return deviants.stream().filter(d -> d.current).count();
    }

    /**
     * Whether {@code d} is a transmission that still counts: attributed, its target still deviant
     * (a target that recovered at once was noise) and its source a sustained deviant.
     */
    boolean counts(Deviant d) {
        if (d.source == null || !d.current) {
            return false;
        }
        Deviant source = deviant(d.source);
        return source != null && source.sustained();
    }

    long transmissions() {
        return deviants.stream().filter(this::counts).count();
    }
}
