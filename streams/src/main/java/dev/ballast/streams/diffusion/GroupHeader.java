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
        /** How long deviance must last to make a credible source (the exposure window, in time). */
        public long sustainMillis;

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

    public int members;
    public int untracked;
    public long episode;
    public boolean alerted;
    public List<Deviant> deviants = new ArrayList<>();

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
