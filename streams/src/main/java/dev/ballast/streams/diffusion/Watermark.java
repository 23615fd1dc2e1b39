package dev.ballast.streams.diffusion;

/**
 * A monitor task's promise about the signals it has still to send: none with an event time
 * before {@code at}. Broadcast to every partition of the group topic, after the signals it covers.
 *
 * @param partition the sending task's input partition
 * @param at        event time (epoch ms) of the task's latest interaction
 * @param idle      the task has had no interaction for a while: do not wait for it; whatever it
 *                  sends later before the group monitor's release point is handled as late
 */
public record Watermark(int partition, long at, boolean idle) implements GroupFeed {
    /** The sending task's input has ended: it will send nothing more. */
    public static final long END = Long.MAX_VALUE;
}
