package dev.ballast.streams.drift;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link AgentMonitor} reports when an agent's episode opens, or when a DRIFT episode is
 * escalated to TIPPING: the alert type and the evidence an operator needs to judge it.
 */
public record Detection(
        AlertType type,
        String detector,
        double statistic,
        double threshold,
        double baselineRate,
        double currentRate,
        long changeStartEvent,
        long eventsSinceChange,
        long violationsSinceChange,
        TippingRule.RewardEvidence reward,
        boolean rising,
        PaidEvidence paid,
        ModerateEvidence moderate,
        long episode,
        long eventsObserved,
        Escalation escalation) {

    /**
     * The paid-violation statistic when the agent's rewards are judged; {@code null} otherwise.
     *
     * @param paidViolations paid violations since that statistic last left zero
     */
    public record PaidEvidence(double statistic, double threshold, double baselineRate, long paidViolations) {
    }

    /** The moderate-rise statistic when it runs; {@code null} otherwise. */
    public record ModerateEvidence(double statistic, double threshold) {
    }

    /**
     * Set when the detection re-types an open DRIFT episode as TIPPING; {@code null} when it opens one.
     * The statistic and threshold are then the paid statistic's; the rate figures
     * ({@code currentRate}, {@code eventsSinceChange}, ...) are the episode's, as its opening alert
     * gave them.
     *
     * @param eventsSinceOpening events from the episode's opening alert to this one
     * @param paidBaselineRate   the paid-violation baseline the statistic tests against
     */
    public record Escalation(long eventsSinceOpening, double paidBaselineRate) {
    }

    /** Evidence as a JSON-friendly map; NaN reward figures are left out. */
    public Map<String, Object> evidence() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("baselineRate", round(baselineRate));
        e.put("currentRate", round(currentRate));
        e.put("statistic", round(statistic));
        e.put("threshold", round(threshold));
        e.put("changeStartEvent", changeStartEvent);
        e.put("eventsSinceChange", eventsSinceChange);
        e.put("violationsSinceChange", violationsSinceChange);
        if (!Double.isNaN(reward.advantage())) {
            e.put("rewardAdvantage", round(reward.advantage()));
            e.put("rewardT", Double.isInfinite(reward.t()) ? "inf" : round(reward.t()));
        }
        e.put("violatingEventsWithReward", reward.violations());
        e.put("compliantEventsWithReward", reward.compliant());
        e.put("rateRising", rising);
        if (paid != null) {
            e.put("paidStatistic", round(paid.statistic()));
            e.put("paidThreshold", round(paid.threshold()));
            e.put("paidBaselineRate", round(paid.baselineRate()));
            e.put("paidViolations", paid.paidViolations());
        }
        if (moderate != null) {
            e.put("moderateStatistic", round(moderate.statistic()));
            e.put("moderateThreshold", round(moderate.threshold()));
        }
        e.put("episode", episode);
        e.put("eventsObserved", eventsObserved);
        if (escalation != null) {
            e.put(Alert.ESCALATED_FROM, AlertType.DRIFT.name());
            e.put("eventsSinceOpening", escalation.eventsSinceOpening());
            e.put("paidBaselineRate", round(escalation.paidBaselineRate()));
        }
        return e;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
