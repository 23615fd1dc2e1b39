package dev.ballast.streams.drift;

/**
 * The ATP signature that turns drift into tipping: violating earns this agent more reward than
 * complying (Welch t-statistic at least {@code minRewardT}, each side observed at least
 * {@code minObservations} times), and the violation rate is still rising (fast rate above the slow
 * one and above baseline).
 */
public record TippingRule(double minRewardT, int minObservations) {
    public static final TippingRule DEFAULT = new TippingRule(3.0, 3);

    public TippingRule {
        if (!(minRewardT > 0) || minObservations < 2) {
            throw new IllegalArgumentException("tipping needs minRewardT > 0 and minObservations >= 2");
        }
    }

    /** Reward evidence for one agent; {@code advantage} and {@code t} are NaN without enough data. */
    public record RewardEvidence(double advantage, double t, long violations, long compliant) {
    }

    public RewardEvidence rewardEvidence(AgentState state) {
        RewardStats v = state.violationRewards;
        RewardStats c = state.complianceRewards.stats();
        if (v.count() < minObservations || c.count() < minObservations) {
            return new RewardEvidence(Double.NaN, Double.NaN, v.count(), c.count());
        }
        double advantage = v.mean() - c.mean();
        double se = Math.sqrt(v.variance() / v.count() + c.variance() / c.count());
        double t = se > 0 ? advantage / se : (advantage > 0 ? Double.POSITIVE_INFINITY : 0);
        return new RewardEvidence(advantage, t, v.count(), c.count());
    }

    public boolean rising(AgentState state) {
        return state.fastRate > state.slowRate && state.fastRate > state.baselineRate();
    }

    public boolean holds(AgentState state) {
        RewardEvidence e = rewardEvidence(state);
        return e.advantage() > 0 && e.t() >= minRewardT && rising(state);
    }
}
