package dev.ballast.streams.sim;

/**
 * How simulated agents tip: ATP's self-interested exploration as a process, not a jump. At its
 * onset round an agent learns the supervisor will not check; its deviation probability rises by
 * a small exploration step, then by {@code growth} every round and by {@code reinforcement} after
 * every deviation that paid, so rewarded deviance makes the next deviation likelier. Each agent
 * draws its own values uniformly from each range (reward ratio and base reward log-uniformly, so
 * that 1.1x and 10x, or rewards of 1 and of 10,000, are equally represented).
 *
 * @param onsetRise     rise of the deviation probability at onset
 * @param growth        rise per round after onset
 * @param reinforcement rise after a paid deviation
 * @param rewardRatio   the forbidden option's reward over the required one's
 * @param baseReward    the required option's reward (sets the agent's reward scale)
 */
public record TippingSpec(Range onsetRise, Range growth, Range reinforcement, Range rewardRatio, Range baseReward) {

    /**
     * Gradual to fast: the slowest agents gain about one point of deviation probability per round
     * plus two per paid deviation (ATP's slow decay), the fastest five per round plus fifteen per
     * paid deviation; reward ratios and scales span ATP's whole range.
     */
    public static final TippingSpec DEFAULT = new TippingSpec(new Range(0.02, 0.15), new Range(0.01, 0.05),
            new Range(0.02, 0.15), new Range(1.1, 10), new Range(1, 10_000));

    public TippingSpec {
        onsetRise.requireWithin("onset rise", 0, 0.9);
        growth.requireWithin("growth", 0, 0.5);
        reinforcement.requireWithin("reinforcement", 0, 0.5);
        rewardRatio.requireWithin("reward ratio", 1.0, 1_000);
        baseReward.requireWithin("base reward", 1e-6, 1e12);
        if (onsetRise.max() == 0 && growth.max() == 0 && reinforcement.max() == 0) {
            throw new IllegalArgumentException("tipping needs a positive onset rise, growth or reinforcement");
        }
    }
}
