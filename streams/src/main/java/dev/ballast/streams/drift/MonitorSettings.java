package dev.ballast.streams.drift;

/**
 * How {@link AgentMonitor} judges agents.
 *
 * @param detector      the change detector on the violation indicator
 * @param warmupEvents  events that form an agent's baseline before it can alert
 * @param tipping       the ATP signature separating tipping from plain drift
 * @param fastAlpha     weight of the fast violation-rate average
 * @param slowAlpha     weight of the slow violation-rate average
 * @param suspicion     the same test at a smaller false-alarm budget, marking agents as suspected
 *                      deviants for group-level detection (no alert of its own)
 * @param reward        the paid-violation statistic and the budget it shares, or null to judge
 *                      on the violation rate alone
 * @param moderate      a second CUSUM on the violation indicator, tuned to a smaller rise than
 *                      {@code detector} and given a share of the budget, or null for none
 */
public record MonitorSettings(ChangeDetector detector, int warmupEvents, TippingRule tipping,
                              double fastAlpha, double slowAlpha, ChangeDetector suspicion, RewardDetection reward,
                              BernoulliCusum moderate) {
    /** The name alerts give the moderate-rise statistic when it fires. */
    public static final String MODERATE_RISE = "moderate-rise-cusum";

    public MonitorSettings {
        if (warmupEvents < 10) {
            throw new IllegalArgumentException("warm-up must be at least 10 events");
        }
        if (!(fastAlpha > slowAlpha && slowAlpha > 0 && fastAlpha < 1)) {
            throw new IllegalArgumentException("need 0 < slowAlpha < fastAlpha < 1");
        }
    }

    public static MonitorSettings of(ChangeDetector detector, int warmupEvents, TippingRule tipping) {
        return of(detector, warmupEvents, tipping, detector);
    }

    public static MonitorSettings of(ChangeDetector detector, int warmupEvents, TippingRule tipping,
                                     ChangeDetector suspicion) {
        return new MonitorSettings(detector, warmupEvents, tipping, 0.15, 0.03, suspicion, null, null);
    }

    /** These settings with reward-aware tipping detection on. */
    public MonitorSettings withReward(RewardDetection reward) {
        return new MonitorSettings(detector, warmupEvents, tipping, fastAlpha, slowAlpha, suspicion, reward, moderate);
    }

    /** These settings with the moderate-rise statistic on. */
    public MonitorSettings withModerate(BernoulliCusum moderate) {
        return new MonitorSettings(detector, warmupEvents, tipping, fastAlpha, slowAlpha, suspicion, reward, moderate);
    }
}
