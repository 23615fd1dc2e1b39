package dev.ballast.streams.drift;

/**
 * Page-Hinkley test against the agent's known baseline mean: the cumulative deviation
 * {@code sum(x - p0 - delta)} above its running minimum, which is the CUSUM recursion with
 * increments {@code 1 - p0 - delta} and {@code -p0 - delta}. Its alarm level (lambda) comes from
 * the same false-alarm budget as the CUSUM's.
 */
public final class PageHinkley extends ChangeDetector {
    public static final String NAME = "page-hinkley";
    private final double delta;

    public PageHinkley(double delta, double budgetEvents) {
        super(budgetEvents);
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1)");
        }
        this.delta = delta;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected double parameter() {
        return delta;
    }

    @Override
    protected DetectorDesign newDesign(double p0) {
        // An agent that already violates almost always has no room to drift upward by delta.
        double mean = Math.min(p0, 0.95 - delta);
        double up = 1 - mean - delta;
        double down = -mean - delta;
        return new DetectorDesign(up, down, ThresholdCalibrator.threshold(mean, up, down, budgetEvents()));
    }
}
