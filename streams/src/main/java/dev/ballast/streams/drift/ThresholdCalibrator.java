package dev.ballast.streams.drift;

/**
 * Derives a CUSUM threshold from a false-alarm budget, the expected number of in-control events
 * between false alarms (ARL0), instead of asking users for raw thresholds.
 *
 * <p>Siegmund's approximation {@code ARL0(h) ~ (e^(theta h) - theta h - 1) / (theta |mu0|)}
 * ignores the overshoot of the statistic past h; with 0/1 data a violation moves the statistic by
 * two to four units at once, so it underestimates ARL0 by a factor of two to four, and its
 * thresholds cost detection one to one and a half units of evidence for nothing. Its threshold is
 * therefore only an upper bound here, lowered by computing the run length exactly as the Markov
 * chain of Brook and Evans (1972): the statistic on a grid of step {@code |down| / m} (m = 8, fewer
 * when a violation would span more than {@value #MAX_UP_STEPS} steps, which bounds the chain's
 * memory for small shifts), the violation increment rounded <em>up</em> to the grid. The rounded
 * statistic is never below the true one (both recursions are monotone), so it alarms no later, and
 * the budget met by the chain is met by the detector: the grid only ever costs a little speed, never
 * false alarms. Where the chain cannot be trusted or would be too large (see {@link #threshold}),
 * the approximation stands. The unit tests check the achieved run length against the budget by
 * simulation.
 */
public final class ThresholdCalibrator {
    /** Grid points per compliant-event decrement: finer grids are closer to exact and cost the cube. */
    private static final int GRID_STEPS_PER_DOWN = 8;
    /**
     * Most grid steps one violation may span: the chain's band is this wide, so with a shift of
     * 0.01 (a violation worth 460 decrements) a grid of 1/8 would need hundreds of megabytes.
     */
    static final int MAX_UP_STEPS = 512;
    /** Largest chain solved (states x band width, in doubles): 32 MB, a fraction of a second. */
    private static final long MAX_CHAIN_CELLS = 4_000_000;

    private ThresholdCalibrator() {
    }

    /**
     * A threshold h at which the in-control run length of the recursion
     * {@code S = max(0, S + (violation ? up : down))}, alarming when {@code S > h}, with violations
     * at rate {@code p0}, is at least {@code budgetEvents}: the smallest on the chain's grid, or
     * the approximation's where a violation is worth less than a compliant event (the grid would
     * round it up by a large fraction), where the chain would exceed {@code MAX_CHAIN_CELLS}, or
     * where the rounded chain cannot confirm the approximation.
     */
    public static double threshold(double p0, double up, double down, double budgetEvents) {
        double mu0 = p0 * up + (1 - p0) * down;
        if (!(mu0 < 0)) {
            throw new IllegalArgumentException("in-control drift must be negative (baseline " + p0
                    + " is at or above the detector's reference value)");
        }
        double theta = theta(p0, up, down);
        double approximate = approximateThreshold(theta, mu0, budgetEvents);
        int downSteps = (int) Math.max(1, Math.min(GRID_STEPS_PER_DOWN, Math.floor(MAX_UP_STEPS * -down / up)));
        double step = -down / downSteps;
        int upSteps = (int) Math.ceil(up / step);
        // The chain alarms once its grid statistic reaches states * step; the detector's statistic
        // is at most the chain's, so h = (states - 1) * step alarms no earlier than the chain.
        int guess = Math.max(2, (int) Math.ceil(approximate / step));
        if (upSteps < GRID_STEPS_PER_DOWN || (long) guess * (downSteps + upSteps + 1) > MAX_CHAIN_CELLS) {
            return approximate;
        }
        double atGuess = runLength(p0, upSteps, downSteps, guess);
        if (!(atGuess >= budgetEvents)) {
            return approximate;
        }
        int jump = Math.max(1, (int) Math.floor(Math.log(atGuess / budgetEvents) / (theta * step)));
        int hi = guess;
        int lo = Math.max(1, guess - jump);
        while (lo > 1 && runLength(p0, upSteps, downSteps, lo) >= budgetEvents) {
            hi = lo;
            lo = Math.max(1, lo - jump);
        }
        // Invariant: run length at lo is below the budget (or lo is 1), at hi it meets it.
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (runLength(p0, upSteps, downSteps, mid) >= budgetEvents) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return (hi - 1) * step;
    }

    /**
     * Expected events until the grid chain alarms, from zero: states 0..states-1, a violation
     * (probability p0) moves up {@code upSteps}, anything else down {@code downSteps} (stopping
     * at 0), reaching {@code states} alarms. Solves {@code (I - P) L = 1} by banded elimination;
     * I - P is a diagonally dominant M-matrix, so no pivoting is needed.
     */
    static double runLength(double p0, int upSteps, int downSteps, int states) {
        int n = states;
        int lower = downSteps;
        int width = lower + upSteps + 1;
        // band[i][j - i + lower] holds M[i][j] for i - lower <= j <= i + upSteps
        double[][] band = new double[n][width];
        double[] rhs = new double[n];
        for (int i = 0; i < n; i++) {
            band[i][lower] = 1;
            if (i + upSteps < n) {
                band[i][lower + upSteps] -= p0;
            }
            int to = Math.max(0, i - downSteps);
            band[i][to - i + lower] -= 1 - p0;
            rhs[i] = 1;
        }
        for (int k = 0; k < n; k++) {
            double pivot = band[k][lower];
            int lastRow = Math.min(n - 1, k + lower);
            int lastCol = Math.min(n - 1, k + upSteps);
            for (int i = k + 1; i <= lastRow; i++) {
                double factor = band[i][k - i + lower] / pivot;
                if (factor == 0) {
                    continue;
                }
                band[i][k - i + lower] = 0;
                for (int j = k + 1; j <= lastCol; j++) {
                    band[i][j - i + lower] -= factor * band[k][j - k + lower];
                }
                rhs[i] -= factor * rhs[k];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = rhs[i];
            int lastCol = Math.min(n - 1, i + upSteps);
            for (int j = i + 1; j <= lastCol; j++) {
                sum -= band[i][j - i + lower] * x[j];
            }
            x[i] = sum / band[i][lower];
        }
        return x[0];
    }

    /** Siegmund's approximation solved for h: the starting point of the exact search. */
    static double approximateThreshold(double theta, double mu0, double budgetEvents) {
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
