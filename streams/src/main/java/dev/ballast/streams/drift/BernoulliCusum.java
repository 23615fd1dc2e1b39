package dev.ballast.streams.drift;

/**
 * Bernoulli CUSUM: the log-likelihood ratio of "violation rate p1" against the baseline p0, with
 * {@code p1 = min(maxRate, p0 + shift)}. The shift is the smallest rise detected at the optimal
 * speed; larger rises are caught faster, smaller ones slower.
 */
public final class BernoulliCusum extends ChangeDetector {
    public static final String NAME = "bernoulli-cusum";
    private static final double MAX_RATE = 0.99;
    private final double shift;

    public BernoulliCusum(double shift, double budgetEvents) {
        super(budgetEvents);
        if (!(shift > 0 && shift < 1)) {
            throw new IllegalArgumentException("shift must be in (0, 1)");
        }
        this.shift = shift;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected double parameter() {
        return shift;
    }

    @Override
    protected double tunedRise() {
        return shift;
    }

    @Override
    protected double maxRate() {
        return MAX_RATE;
    }

    @Override
    protected DetectorDesign newDesign(double p0) {
        // p1 is capped at MAX_RATE: within 0.001 of it the rise left to detect is under 0.001 (a
        // violation is worth almost nothing), and at or above it there is none (p1 <= p0).
        if (p0 > MAX_RATE - 0.001) {
            return DetectorDesign.NEVER;
        }
        double p1 = Math.min(MAX_RATE, p0 + shift);
        double up = Math.log(p1 / p0);
        double down = Math.log((1 - p1) / (1 - p0));
        return new DetectorDesign(up, down, ThresholdCalibrator.threshold(p0, up, down, budgetEvents()));
    }
}
