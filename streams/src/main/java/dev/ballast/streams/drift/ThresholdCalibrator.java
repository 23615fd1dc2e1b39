package dev.ballast.streams.drift;

/**
 * Derives a CUSUM threshold from a false-alarm budget, the expected number of in-control events
 * between false alarms (ARL0), instead of asking users for raw thresholds.
 *
 * <p>For increments {@code up} (probability p0) and {@code down} (probability 1-p0) with
 * negative in-control mean mu0, let theta be the positive root of
 * {@code p0 e^(theta up) + (1-p0) e^(theta down) = 1} (theta is 1 for log-likelihood-ratio
 * increments). Siegmund's approximation gives
 * {@code ARL0(h) ~ (e^(theta h) - theta h - 1) / (theta |mu0|)}. It ignores the overshoot of the
 * statistic past h, which makes it underestimate ARL0; solving it for h therefore errs toward
 * fewer false alarms than budgeted, never more. The unit tests check the achieved run length
 * against the budget by simulation.
 */
public final class ThresholdCalibrator {
    private ThresholdCalibrator() {
    }

    /** The threshold h at which the approximate in-control run length equals {@code budgetEvents}. */
    public static double threshold(double p0, double up, double down, double budgetEvents) {
        double mu0 = p0 * up + (1 - p0) * down;
        if (!(mu0 < 0)) {
            throw new IllegalArgumentException("in-control drift must be negative (baseline " + p0
                    + " is at or above the detector's reference value)");
        }
        double theta = theta(p0, up, down);
        double lo = 0;
        double hi = 1;
        while (arl(hi, theta, mu0) < budgetEvents) {
            hi *= 2;
        }
        for (int i = 0; i < 100 && hi - lo > 1e-9 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (arl(mid, theta, mu0) < budgetEvents) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    static double arl(double h, double theta, double mu0) {
        double x = theta * h;
        return (Math.expm1(x) - x) / (theta * -mu0);
    }

    /** Positive root of the moment equation; convexity gives exactly one. */
    static double theta(double p0, double up, double down) {
        double lo = 0;
        double hi = 1 / up;
        while (moment(hi, p0, up, down) <= 0) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (moment(mid, p0, up, down) <= 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static double moment(double theta, double p0, double up, double down) {
        return p0 * Math.exp(theta * up) + (1 - p0) * Math.exp(theta * down) - 1;
    }
}
