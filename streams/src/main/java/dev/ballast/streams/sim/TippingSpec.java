package dev.ballast.streams.sim;

/**
 * How simulated agents tip: ATP's self-interested exploration as a process, not a jump. At its
 * onset round an agent learns the supervisor will not check; its deviation probability rises by
 * a small exploration step, then by {@code growth} every round and by {@code reinforcement} after
 * every deviation that paid, so rewarded deviance makes the next deviation likelier. Each agent
 * draws its own values uniformly from each range (reward ratio and base reward log-uniformly, so
 * that 1.1x and 10x, or rewards of 1 and of 10,000, are equally represented).
 *
 * @param minOnsetRise         smallest rise of the deviation probability at onset
 * @param maxOnsetRise         largest rise at onset
 * @param minGrowth            smallest per-round rise after onset
 * @param maxGrowth            largest per-round rise after onset
 * @param minReinforcement     smallest rise after a paid deviation
 * @param maxReinforcement     largest rise after a paid deviation
 * @param minRewardRatio       smallest ratio of the forbidden option's reward to the required one's
 * @param maxRewardRatio       largest ratio
 * @param minBaseReward        smallest reward of the required option (sets the agent's reward scale)
 * @param maxBaseReward        largest reward of the required option
 */
public record TippingSpec(double minOnsetRise, double maxOnsetRise, double minGrowth, double maxGrowth,
                          double minReinforcement, double maxReinforcement, double minRewardRatio,
                          double maxRewardRatio, double minBaseReward, double maxBaseReward) {

    /**
     * Gradual to fast: the slowest agents gain about one point of deviation probability per round
     * plus two per paid deviation (ATP's slow decay), the fastest five per round plus fifteen per
     * paid deviation; reward ratios and scales span ATP's whole range.
     */
    public static final TippingSpec DEFAULT = new TippingSpec(0.02, 0.15, 0.01, 0.05, 0.02, 0.15, 1.1, 10, 1, 10_000);

    public TippingSpec {
        range("onset rise", minOnsetRise, maxOnsetRise, 0, 0.9);
        range("growth", minGrowth, maxGrowth, 0, 0.5);
        range("reinforcement", minReinforcement, maxReinforcement, 0, 0.5);
        range("reward ratio", minRewardRatio, maxRewardRatio, 1.0, 1_000);
        range("base reward", minBaseReward, maxBaseReward, 1e-6, 1e12);
        if (maxOnsetRise == 0 && maxGrowth == 0 && maxReinforcement == 0) {
            throw new IllegalArgumentException("tipping needs a positive onset rise, growth or reinforcement");
        }
    }

    private static void range(String name, double min, double max, double lowest, double highest) {
        if (!(min >= lowest && max >= min && max <= highest)) {
            throw new IllegalArgumentException(name + " range must satisfy " + lowest + " <= min <= max <= "
                    + highest + " (got " + min + " to " + max + ")");
        }
    }

    /** The same process with a fixed growth per round, for CLI overrides and sweeps. */
    public TippingSpec withGrowth(double min, double max) {
        return new TippingSpec(minOnsetRise, maxOnsetRise, min, max, minReinforcement, maxReinforcement,
                minRewardRatio, maxRewardRatio, minBaseReward, maxBaseReward);
    }
}
