package dev.ballast.streams.drift;

/**
 * Page-Hinkley test against the agent's known baseline mean: the cumulative deviation
 * {@code sum(x - p0 - delta)} above its running minimum, which is the CUSUM recursion with
 * increments {@code 1 - p0 - delta} and {@code -p0 - delta}. Its alarm level (lambda) comes from
 * the same false-alarm budget as the CUSUM's. An agent already violating nearly always is tested
 * for a smaller rise than delta, since no rise of delta is possible.
 */
public final class PageHinkley extends ChangeDetector {
    public static final String NAME = "page-hinkley";
    /** Rise left below 1 under which an agent is treated as violating always. */
    private static final double MIN_ROOM = 0.002;
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

    /** Page-Hinkley's statistic grows once the rate exceeds the baseline by delta; it is fastest near twice that. */
    @Override
    protected double tunedRise() {
        return 2 * delta;
    }

    @Override
    protected double maxRate() {
        return 1;
    }

    @Override
    protected DetectorDesign newDesign(double p0) {
        // Above 1 - 2 * delta a rise of delta would leave a violation worth almost nothing (or
        // less than nothing): the tolerance shrinks to half the room left, so the test stays
        // calibrated at the agent's own rate (testing a lower stand-in rate let such agents
        // alarm several times as often as the budget allows). With no room left, nothing to detect.
        double room = 1 - p0;
        if (room < MIN_ROOM) {
            return DetectorDesign.NEVER;
        }
        double tolerance = Math.min(delta, room / 2);
        double up = room - tolerance;
        double down = -p0 - tolerance;
        return new DetectorDesign(up, down, ThresholdCalibrator.threshold(p0, up, down, budgetEvents()));
    }
}
