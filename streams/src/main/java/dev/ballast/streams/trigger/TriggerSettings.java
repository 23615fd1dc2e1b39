package dev.ballast.streams.trigger;

/**
 * When the trigger asks for a re-alignment job.
 *
 * @param minConflicts  INVERT plus DISCARD decisions for one policy version that call for a job
 * @param minAlerts     TIPPING, DRIFT and DIFFUSION alerts under one policy version, within
 *                      {@code alertWindowMs} of event time, that call for a job
 * @param alertWindowMs the alert window
 * @param cooldownMs    event time after a job during which no other job of the same reason starts
 *                      (a job for another policy version waits; it is not dropped)
 * @param orderGraceMs  wall-clock time a live trigger holds each alert and decision, so that those
 *                      arriving from other partitions a little later are still counted in
 *                      event-time order
 */
public record TriggerSettings(long minConflicts, int minAlerts, long alertWindowMs, long cooldownMs,
                              long orderGraceMs) {
    public TriggerSettings {
        if (minConflicts < 1 || minAlerts < 1 || alertWindowMs < 1 || cooldownMs < 0 || orderGraceMs < 0) {
            throw new IllegalArgumentException(
                    "trigger thresholds and window must be positive, cooldown and order grace non-negative");
        }
    }
}
