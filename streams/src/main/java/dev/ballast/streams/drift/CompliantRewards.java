package dev.ballast.streams.drift;

import java.util.Arrays;

/**
 * An agent's compliant rewards, the reference every violation's reward is judged against
 * ({@link RewardDetection#paid}, {@link TippingRule}), with gross glitches left out. A running
 * variance never forgets: one logged reward of 1e9 among rewards of 100 widened the compliant
 * spread so far that no violation read as paid for the rest of the agent's life (on a simulated
 * scenario with one such reward per agent, TIPPING alerts fell from 98% to 2% of tipping agents).
 *
 * <p>A reward is a glitch when it lies farther from the centre of the agent's compliant rewards
 * than {@value #GLITCH_FACTOR} times their typical size (the centre's magnitude plus their
 * spread), and the agent's {@value #RECENT} latest compliant rewards do not lie there with it. Only
 * an order-of-magnitude error qualifies (a unit slip, an overflow): rewards of 0 and 1, or a
 * jackpot a few times the usual pay, are kept. When most recent rewards lie that far, the agent's
 * rewards moved rather than glitched: the statistics restart from its recent rewards at the new
 * level, so a new reward scale is learnt in a few events instead of being averaged into the old
 * one. Until {@value #RECENT} rewards have been seen, the statistics are rebuilt from all of them
 * each time, judged against their median and median absolute deviation, so that a glitch among an
 * agent's first rewards is left out too. Rewards whose centre and spread are both zero judge
 * nothing. Fixed size.
 */
public final class CompliantRewards {
    /** Compliant rewards remembered, to tell a moved reward level from a glitch. */
    public static final int RECENT = 8;
    /** How many times the rewards' typical size a glitch lies from their centre. */
    static final double GLITCH_FACTOR = 10;
    /** Median absolute deviation to standard deviation, for normal rewards. */
    private static final double MAD_TO_SD = 1.4826;
    /** Fewest kept rewards whose spread can tell a glitch. */
    private static final int MIN_JUDGED = 3;
    final RewardStats stats = new RewardStats();
    final double[] recent = new double[RECENT];
    /** Entries of {@link #recent} that hold rewards, and the one the next reward takes. */
    int filled;
    int next;
    /** Whether every reward so far is in {@link #recent}, so that the statistics are rebuilt from them. */
    boolean rebuilding = true;

    /** Adds a compliant reward; false if it was left out as a glitch. */
    public boolean add(double reward) {
        recent[next] = reward;
        next = (next + 1) % RECENT;
        filled = Math.min(RECENT, filled + 1);
        if (rebuilding) {
            rebuilding = filled < RECENT;
            return rebuild(Arrays.copyOf(recent, filled), reward);
        }
        double reach = reach(stats.mean(), Math.sqrt(stats.variance()));
        if (stats.count() < MIN_JUDGED || !(Math.abs(reward - stats.mean()) > reach)) {
            stats.add(reward);
            return true;
        }
        double mean = stats.mean();
        double[] latest = Arrays.copyOf(recent, filled);
        if (filled == RECENT && Math.abs(median(latest) - mean) > reach) {
            // The level moved: the statistics restart from the recent rewards at the new level only.
            return rebuild(Arrays.stream(latest).filter(r -> Math.abs(r - mean) > reach).toArray(), reward);
        }
        return false;
    }

    /**
     * Whether {@code reward} lies where a glitch would, by the rule compliant rewards are kept by:
     * an order of magnitude off the rewards kept so far. False until they can tell.
     */
    boolean wouldBeGlitch(double reward) {
        return stats.count() >= MIN_JUDGED
                && Math.abs(reward - stats.mean()) > reach(stats.mean(), Math.sqrt(stats.variance()));
    }

    /** The statistics of the rewards kept. */
    public RewardStats stats() {
        return stats;
    }

    /**
     * Restarts the statistics from {@code rewards}, leaving out the glitches among them (judged
     * against their median and robust spread); whether {@code latest} was kept.
     */
    private boolean rebuild(double[] rewards, double latest) {
        stats.reset();
        double median = median(rewards);
        double[] deviations = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            deviations[i] = Math.abs(rewards[i] - median);
        }
        double reach = reach(median, MAD_TO_SD * median(deviations));
        // Fewer than three rewards have no majority to tell a glitch by.
        boolean judged = rewards.length >= MIN_JUDGED;
        boolean kept = true;
        for (double r : rewards) {
            if (!judged || !(Math.abs(r - median) > reach)) {
                stats.add(r);
            } else if (r == latest) {
                kept = false;
            }
        }
        return kept;
    }

    /** How far from {@code centre} a glitch lies at least; infinite where centre and spread are zero. */
    private static double reach(double centre, double spread) {
        double size = Math.abs(centre) + spread;
        return size > 0 ? GLITCH_FACTOR * size : Double.POSITIVE_INFINITY;
    }

    /** Median of {@code values}, which it sorts. */
    private static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        // Halved before adding: two rewards near the largest double would overflow their sum.
        return n % 2 == 1 ? values[n / 2] : values[n / 2 - 1] / 2 + values[n / 2] / 2;
    }
}
