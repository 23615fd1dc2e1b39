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
    /** For an agent that already violates (almost) always: there is no rise left to detect. */
    public static final DetectorDesign NEVER = new DetectorDesign(1, -1, Double.POSITIVE_INFINITY);

    public DetectorDesign {
        if (!(up > 0) || !(down < 0) || !(threshold > 0)) {
            throw new IllegalArgumentException("need up > 0, down < 0, threshold > 0: " + up + ", " + down + ", " + threshold);
        }
    }

    public double increment(boolean violation) {
        return violation ? up : down;
    }
}
