package dev.ballast.streams.diffusion;

import java.util.Optional;

/**
 * When a monitor task tells the group monitor how far it has got in event time. Progress is
 * reported at most every {@code intervalMs} of wall-clock time or every {@value #EVERY_RECORDS}
 * interactions, whichever comes first, so the watermark traffic stays small next to the
 * interactions while group signals are held no longer than that. A task with no interaction for
 * {@code idleMs} says so once, and the group monitor stops waiting for it.
 *
 * <p>When watermarks are sent changes only how long signals wait, never the order they are
 * judged in: that is decided by the watermarks' content alone.
 */
public final class WatermarkSchedule {
    /** Keeps a burst of backlog (no wall-clock time passing) from holding signals unboundedly. */
    static final int EVERY_RECORDS = 100;
    private final int partition;
    private final long intervalMs;
    private final long idleMs;
    private long latest = Long.MIN_VALUE;
    private long reported = Long.MIN_VALUE;
    private long reportedAtMs;
    private int sinceReport;
    private long lastInputMs;
    private boolean idleAnnounced;
    private boolean ended;

    public WatermarkSchedule(int partition, long intervalMs, long idleMs, long nowMs) {
        this.partition = partition;
        this.intervalMs = intervalMs;
        this.idleMs = idleMs;
        this.reportedAtMs = nowMs;
        this.lastInputMs = nowMs;
    }

    /**
     * An interaction at {@code eventTime} is about to be judged; returns the watermark to send
     * before its group signal, if one is due.
     */
    public Optional<Watermark> onInteraction(long eventTime, long nowMs) {
        lastInputMs = nowMs;
        latest = Math.max(latest, eventTime);
        sinceReport++;
        boolean due = latest > reported && (sinceReport >= EVERY_RECORDS || nowMs - reportedAtMs >= intervalMs);
        return idleAnnounced || due ? Optional.of(report(nowMs, false)) : Optional.empty();
    }

    /** Called every {@code intervalMs} of wall-clock time: progress not yet reported, or idleness. */
    public Optional<Watermark> onTick(long nowMs) {
        if (latest > reported) {
            return Optional.of(report(nowMs, false));
        }
        if (!idleAnnounced && nowMs - lastInputMs >= idleMs) {
            return Optional.of(report(nowMs, true));
        }
        return Optional.empty();
    }

    /** The input has ended: once, the promise that nothing more will come. */
    public Optional<Watermark> onEnd() {
        if (ended) {
            return Optional.empty();
        }
        ended = true;
        return Optional.of(new Watermark(partition, Watermark.END, true));
    }

    private Watermark report(long nowMs, boolean idle) {
        reported = latest;
        reportedAtMs = nowMs;
        sinceReport = 0;
        idleAnnounced = idle;
        return new Watermark(partition, latest, idle);
    }
}
