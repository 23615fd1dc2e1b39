package dev.ballast.streams.drift;

/**
 * The reward-aware half of tipping detection (ATP: deviance that pays <em>now</em>). A violation
 * counts as <em>paid</em> when its reward exceeds the agent's mean compliant reward by more than
 * {@code paidSigma} compliant standard deviations; being standardised, the test is the same for
 * rewards of 1 and of 10,000. A Bernoulli CUSUM on the paid-violation indicator of the agent's
 * rewarded events runs beside the violation-rate CUSUM, and either can open an episode.
 *
 * <p>The false-alarm budget B is shared: each statistic is calibrated to 2B in-control events
 * between false alarms. For large thresholds a CUSUM's false alarms form nearly a Poisson process,
 * and the rate of alarms from either of two processes is at most the sum of their rates,
 * 1/(2B) + 1/(2B) = 1/B, however the two depend on each other. Agents that report no reward never
 * run the paid statistic and keep the rate detector at the full budget.
 *
 * @param rateDetector the violation-rate detector at its half of the budget, for agents with rewards
 * @param paidDetector the CUSUM on the paid-violation indicator, at the other half
 * @param paidSigma    compliant standard deviations a violation's reward must exceed the compliant
 *                     mean by to count as paid
 */
public record RewardDetection(ChangeDetector rateDetector, BernoulliCusum paidDetector, double paidSigma) {
    public static final String NAME = "paid-violation-cusum";

    public RewardDetection {
        if (!(paidSigma >= 0 && paidSigma <= 100)) {
            throw new IllegalArgumentException("paidSigma must be in [0, 100]");
        }
    }

    /** Whether a violation with {@code reward} paid, judged against the agent's compliant rewards. */
    boolean paid(double reward, RewardStats compliant) {
        return reward > compliant.mean() + paidSigma * Math.sqrt(compliant.variance());
    }
}
