package dev.ballast.streams.eval;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Detection quality of one run against ground truth, per scenario kind.
 *
 * @param kinds                 per-kind figures, keyed by {@code AgentKind} name
 * @param stableEvents          events of agents that never changed
 * @param falseAlarms           alerts on never-changed agents plus alerts before an agent's change
 * @param falseAlarmsPer100k    false alarms per 100,000 events of never-changed agents; NaN when the
 *                              truth has no events of never-changed agents
 * @param alertsBeforeChange    alerts on changed agents before their change
 * @param unplacedChanges       changed agents whose {@code changeEventId} is not among the input's
 *                              interactions: left out of every figure, since no alert can be placed
 *                              before or after their change
 */
public record DetectionScore(Map<String, KindScore> kinds, long stableEvents, long falseAlarms,
                             double falseAlarmsPer100k, long alertsBeforeChange, List<String> unplacedChanges) {

    /** False alarms in words, for the console and the report. */
    public String falseAlarmSentence() {
        if (Double.isNaN(falseAlarmsPer100k)) {
            return String.format(Locale.ROOT, "%d before a change; no unchanged agent in the truth to count false "
                    + "alarms on", alertsBeforeChange);
        }
        return String.format(Locale.ROOT, "%d over %,d events of unchanged agents (%.2f per 100,000); %d before a change",
                falseAlarms, stableEvents, falseAlarmsPer100k, alertsBeforeChange);
    }

    /** A sentence naming the changed agents that could not be scored, or empty when every one was. */
    public String unplacedNote() {
        if (unplacedChanges.isEmpty()) {
            return "";
        }
        String some = String.join(", ", unplacedChanges.subList(0, Math.min(5, unplacedChanges.size())));
        return unplacedChanges.size() + " changed agent(s) not scored: their changeEventId is not among their "
                + "interactions in the input (" + some + (unplacedChanges.size() > 5 ? ", ..." : "") + ")";
    }

    /**
     * @param agents         agents of this kind that were scored
     * @param detected       agents with an alert at or after their change
     * @param typedDetected  agents whose first episode after the change has the expected type: its
     *                       first alert's, or TIPPING once escalated
     * @param recall         detected / agents
     * @param typedRecall    typedDetected / agents
     * @param medianDelay    median events from the change to the trigger event (agent's own events)
     * @param p90Delay       90th percentile of the same
     * @param delays         every detected agent's delay, for distributions
     */
    public record KindScore(int agents, int detected, int typedDetected, double recall, double typedRecall,
                            double medianDelay, double p90Delay, List<Long> delays) {
    }
}
