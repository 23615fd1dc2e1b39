package dev.ballast.streams.drift;

/**
 * A one-sided sequential test on a 0/1 stream, written as a CUSUM recursion
 * {@code S = max(0, S + (violation ? up : down))} that alarms when {@code S > threshold}.
 * Both of Ballast's detectors reduce to this form, which is what lets one calibration serve both.
 *
 * @param up        increment on a violation (positive)
 * @param down      increment on a compliant event (negative)
 * @param threshold alarm level derived from the false-alarm budget
 */
public record DetectorDesign(double up, double down, double threshold) {
    /**
     * No test: the agent already violates (almost) always, or the rise left above its baseline is
     * within the baseline's own estimation error. The statistic stays at zero under it, so that
     * evidence gathered while there is nothing to test cannot fire the test that follows.
     */
    public static final DetectorDesign NEVER = new DetectorDesign(1, -1, Double.POSITIVE_INFINITY);

    public DetectorDesign {
        if (!(up > 0) || !(down < 0) || !(threshold > 0)) {
            throw new IllegalArgumentException("need up > 0, down < 0, threshold > 0: " + up + ", " + down + ", " + threshold);
        }
    }

    public double increment(boolean violation) {
        return violation ? up : down;
    }

    /** The statistic after one more event: the CUSUM recursion, or zero when there is no test. */
    public double next(double statistic, boolean violation) {
        return this == NEVER ? 0 : Math.max(0, statistic + increment(violation));
    }
}
