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
