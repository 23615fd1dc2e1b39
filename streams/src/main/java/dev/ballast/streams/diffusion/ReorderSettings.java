package dev.ballast.streams.diffusion;

/**
 * How group signals from many monitor tasks are put back into event-time order before the group
 * monitor judges them ({@link Watermarks}, {@link WatermarkSchedule}).
 *
 * @param watermarkIntervalMs longest wall-clock time between a task's progress reports
 * @param idleMs              wall-clock time without interactions after which a task reports
 *                            itself idle
 * @param maxHoldMs           wall-clock time without progress, signals held, after which the group
 *                            monitor stops waiting for idle tasks; 0 waits for every task
 * @param maxHeldSignals      most signals held per group task; beyond it the oldest is judged
 *                            early and counted
 */
public record ReorderSettings(long watermarkIntervalMs, long idleMs, long maxHoldMs, int maxHeldSignals) {
}
