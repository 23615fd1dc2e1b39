package dev.ballast.streams.drift;

/**
 * Everything the monitor remembers about one agent: a fixed set of counters and running
 * statistics, so its size does not grow with the agent's history ({@link AgentStateCodec#SIZE}
 * bytes serialised). Mutated in place by {@link AgentMonitor}.
 */
public final class AgentState {
    /** Events seen for this agent. */
    long events;
    /** Events and violations that form the baseline (warm-up, then in-control periods). */
    long baselineEvents;
    long baselineViolations;
    /** The detector statistic and the event index at which it last left zero (change-point estimate). */
    double statistic;
    long changeStart;
    /** Event time (epoch ms) of the event at {@link #changeStart}: when the agent probably turned. */
    long changeStartMillis;
    long eventsSinceChange;
    long violationsSinceChange;
    /** Open episode: alerted, waiting for the agent to return to baseline. */
    boolean inEpisode;
    /** The open episode was alerted as DRIFT and may still be escalated to TIPPING, once. */
    boolean mayEscalate;
    long episodes;
    double recoveryStatistic;
    /** Exponentially weighted violation rates; fast over slow means the rate is rising. */
    double fastRate;
    double slowRate;
    /** Rewards of violating events since {@link #changeStart}, and of compliant events ever (glitches left out). */
    final RewardStats violationRewards = new RewardStats();
    final CompliantRewards complianceRewards = new CompliantRewards();
    /** Rewarded events and paid violations among them that form the paid-violation baseline. */
    long paidBaselineEvents;
    long paidBaselineViolations;
    /** The paid-violation statistic, the event at which it last left zero, and what followed. */
    double paidStatistic;
    long paidStart;
    long paidStartMillis;
    long paidViolationsSinceStart;
    long violationsSincePaidStart;
    /**
     * The moderate-rise statistic (a second rate CUSUM tuned to a smaller rise), the event at which
     * it last left zero, and the violations since.
     */
    double moderateStatistic;
    long moderateStart;
    long moderateStartMillis;
    long violationsSinceModerateStart;
    /** Whether the latest event's reward was left out as a glitch; not stored, as it tells of one event. */
    boolean rewardLeftOut;
    /** The agent's latest events (id and timestamp), so a re-sent interaction is not judged twice. */
    final RecentEventIds recentEventIds = new RecentEventIds();

    /** Remembers the event as judged; false if it was among the agent's latest ones already. */
    public boolean rememberEvent(String eventId, long timestampMillis) {
        return recentEventIds.add(eventId, timestampMillis);
    }

    /** Whether the reward of the event just observed was left out of the compliant statistics as a glitch. */
    public boolean rewardLeftOut() {
        return rewardLeftOut;
    }

    public long events() {
        return events;
    }

    public boolean inEpisode() {
        return inEpisode;
    }

    public double statistic() {
        return statistic;
    }

    public long changeStartMillis() {
        return changeStartMillis;
    }

    public double moderateStatistic() {
        return moderateStatistic;
    }

    public double paidStatistic() {
        return paidStatistic;
    }

    /** Baseline rate of paid violations among rewarded events, with the same prior as {@link #baselineRate}. */
    public double paidBaselineRate() {
        return smoothedRate(paidBaselineViolations, paidBaselineEvents);
    }

    /** Standard error of {@link #paidBaselineRate}, with the same prior. */
    public double paidBaselineError() {
        return smoothedError(paidBaselineViolations, paidBaselineEvents);
    }

    /** Baseline violation rate with a Laplace prior, so a clean warm-up does not yield zero. */
    public double baselineRate() {
        return smoothedRate(baselineViolations, baselineEvents);
    }

    /** Standard error of {@link #baselineRate}, with the same prior. */
    public double baselineError() {
        return smoothedError(baselineViolations, baselineEvents);
    }

    private static double smoothedRate(long hits, long events) {
        return (hits + 1.0) / (events + 2.0);
    }

    private static double smoothedError(long hits, long events) {
        double p = smoothedRate(hits, events);
        return Math.sqrt(p * (1 - p) / (events + 2.0));
    }
}
