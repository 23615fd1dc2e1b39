package dev.ballast.streams.drift;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A change detector for an agent's violation indicator, parameterised by the agent's own baseline
 * rate. Designs are cached by baseline rounded to 1e-4, so per-event cost stays a map lookup. Each
 * detector keeps its own cache for that lookup; behind it one cache is shared by every detector
 * with the same kind, parameter and budget (a design solves a Markov chain, about 0.2 ms), so runs,
 * tests and replays that build many monitors pay for each design once.
 */
public abstract sealed class ChangeDetector permits BernoulliCusum, PageHinkley {
    private static final int CACHE_LIMIT = 20_000;
    private static final int SHARED_CACHE_LIMIT = 200_000;
    /**
     * Standard errors of the baseline estimate the rise left above it must exceed to be tested:
     * at 2 or 3, agents at steady rates of 0.9 to 0.98 still alarmed up to 4.5 or 1.5 times as
     * often as the budget allows; at 4, at most 0.65 times.
     */
    private static final double MIN_RISE_ERRORS = 4;
    private static final Map<DesignKey, DetectorDesign> SHARED = new ConcurrentHashMap<>();
    private final Map<Long, DetectorDesign> cache = new ConcurrentHashMap<>();
    private final double budgetEvents;

    private record DesignKey(String detector, double parameter, double budgetEvents, long rate) {
    }

    protected ChangeDetector(double budgetEvents) {
        if (!(budgetEvents >= 10)) {
            throw new IllegalArgumentException("false-alarm budget must be at least 10 events");
        }
        this.budgetEvents = budgetEvents;
    }

    /** Stable name used in alerts and configuration. */
    public abstract String name();

    /** Expected in-control events between false alarms, per agent. */
    public double budgetEvents() {
        return budgetEvents;
    }

    /**
     * The test for an agent whose baseline violation rate is {@code baselineRate}. Rates below
     * 1e-4 (an agent with tens of thousands of clean events) get the design for 1e-4: a rate of
     * zero has none, and a lower true rate only lengthens the run to a false alarm.
     */
    public DetectorDesign design(double baselineRate) {
        long rate = Math.max(1, Math.round(baselineRate * 10_000));
        DetectorDesign design = cache.get(rate);
        if (design == null) {
            design = shared(rate);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(rate, design);
            }
        }
        return design;
    }

    /**
     * The test for an agent whose baseline is estimated as {@code estimate}, within
     * {@code standardError}. Where the highest rate the test can aim at cuts the rise it is tuned
     * to, the rise left is small and a baseline estimated a little low reads as one (an agent at a
     * steady 0.97, warmed up on 50 events, alarmed 2.8 times on average in 20,000 events at a
     * budget of one alarm per million). So the design moves toward the estimate's upper bound by
     * as much as the cap cuts the rise, up to one standard error (not at all for baselines low
     * enough to leave the whole rise, where the test keeps its speed); and a rise left within
     * {@value #MIN_RISE_ERRORS} standard errors cannot be told from the estimate's own error, so
     * there is no test ({@link DetectorDesign#NEVER}) until more baseline events narrow it.
     */
    public DetectorDesign design(double estimate, double standardError) {
        double cut = Math.max(0, estimate + tunedRise() - maxRate());
        double base = estimate + Math.min(standardError, cut);
        double riseLeft = Math.min(tunedRise(), maxRate() - base);
        return riseLeft < MIN_RISE_ERRORS * standardError ? DetectorDesign.NEVER : design(base);
    }

    /** The rise in violation rate the test is tuned to, where the baseline leaves room for it. */
    protected abstract double tunedRise();

    /** The highest violation rate the test can aim at. */
    protected abstract double maxRate();

    private DetectorDesign shared(long rate) {
        DesignKey key = new DesignKey(name(), parameter(), budgetEvents, rate);
        DetectorDesign design = SHARED.get(key);
        if (design == null) {
            design = newDesign(rate / 10_000.0);
            if (SHARED.size() < SHARED_CACHE_LIMIT) {
                SHARED.put(key, design);
            }
        }
        return design;
    }

    /** The detector's own tuning (CUSUM shift, Page-Hinkley tolerance): with the budget, what a design depends on. */
    protected abstract double parameter();

    protected abstract DetectorDesign newDesign(double baselineRate);
}
