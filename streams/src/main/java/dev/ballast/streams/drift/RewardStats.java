package dev.ballast.streams.drift;

/**
 * Running mean and variance (Welford) of one agent's rewards in one outcome class. Fixed size, so
 * per-agent state stays bounded however long the agent runs.
 */
public final class RewardStats {
    long count;
    double mean;
    double m2;

    public void add(double reward) {
        count++;
        double d = reward - mean;
        mean += d / count;
        m2 += d * (reward - mean);
    }

    public void reset() {
        count = 0;
        mean = 0;
        m2 = 0;
    }

    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    /** Unbiased sample variance; 0 with fewer than two observations. */
    public double variance() {
        return count < 2 ? 0 : m2 / (count - 1);
    }
}
