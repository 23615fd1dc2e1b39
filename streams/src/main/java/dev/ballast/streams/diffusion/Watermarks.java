package dev.ballast.streams.diffusion;

import java.util.Arrays;

/**
 * Decides when the group monitor may judge a buffered signal: once every monitor task has promised
 * ({@link Watermark}) to send nothing earlier. Signals released in event-time order give the same
 * group verdicts whatever the partition count and however far tasks run apart.
 *
 * <p>Every task holds the release point back at its latest watermark, idle or not: a task idle
 * for a moment is usually about to send (every task is idle before a backlog arrives, and all of
 * them during a stall of the pipeline). A task whose input has ended ({@link Watermark#END}) holds
 * nothing back. Only a caller that has held signals too long may pass the idle tasks
 * ({@link #passIdle()}); what an idle task sends later, if earlier than the release point, is
 * late. The release point never moves back.
 * Serialised as JSON in the group monitor's state; the fields are public for that only.
 */
public final class Watermarks {
    /** Per upstream partition: latest promised event time, whether idle, whether heard at all. */
    public long[] at = new long[0];
    public boolean[] idle = new boolean[0];
    public boolean[] heard = new boolean[0];
    /** Signals with an event time before this may be (or have been) released. */
    public long releasedBefore = Long.MIN_VALUE;

    public Watermarks() {
    }

    /** Tracks {@code upstream} partitions, keeping what is known of those already tracked. */
    public Watermarks resize(int upstream) {
        if (upstream != at.length) {
            int known = at.length;
            at = Arrays.copyOf(at, upstream);
            idle = Arrays.copyOf(idle, upstream);
            heard = Arrays.copyOf(heard, upstream);
            for (int p = known; p < upstream; p++) {
                at[p] = Long.MIN_VALUE;
            }
        }
        return this;
    }

    /**
     * Takes one task's watermark and returns the release point: every signal before it may now be
     * judged, in event-time order. A watermark from a partition beyond the tracked ones (the
     * input gained partitions) extends the tracking.
     */
    public long advance(Watermark mark) {
        if (mark.partition() < 0) {
            return releasedBefore;
        }
        if (mark.partition() >= at.length) {
            resize(mark.partition() + 1);
        }
        int p = mark.partition();
        at[p] = Math.max(at[p], mark.at());
        idle[p] = mark.idle();
        heard[p] = true;
        releasedBefore = Math.max(releasedBefore, releasePoint(false));
        return releasedBefore;
    }

    /**
     * Stops waiting for idle tasks (a partition with no traffic must not hold its groups' signals
     * forever) and returns the release point the active ones allow.
     */
    public long passIdle() {
        releasedBefore = Math.max(releasedBefore, releasePoint(true));
        return releasedBefore;
    }

    private long releasePoint(boolean passIdle) {
        long min = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        boolean anyActive = false;
        for (int p = 0; p < at.length; p++) {
            if (!heard[p]) {
                return Long.MIN_VALUE;
            }
            if (at[p] != Watermark.END) {
                latest = Math.max(latest, at[p]);
            }
            anyActive |= !idle[p];
            if (!idle[p] || !passIdle) {
                min = Math.min(min, at[p]);
            }
        }
        if (anyActive || !passIdle) {
            return min;
        }
        // Passing idle tasks when none is active: everything any of them reported is complete.
        return latest == Long.MIN_VALUE ? Long.MIN_VALUE : latest + 1;
    }

    /** A signal this early arrives after its turn: judge it at once rather than hold it. */
    public boolean late(long eventTime) {
        return eventTime < releasedBefore;
    }

    /**
     * Lets the oldest held signal go before its turn (the buffer is full); anything sent later
     * that is not after it is late.
     */
    public void force(long eventTime) {
        releasedBefore = Math.max(releasedBefore, eventTime + 1);
    }
}
