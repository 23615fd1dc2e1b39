package dev.ballast.streams.drift;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A change detector for an agent's violation indicator, parameterised by the agent's own baseline
 * rate. Designs are cached by baseline rounded to 1e-4, so per-event cost stays a map lookup.
 */
public abstract sealed class ChangeDetector permits BernoulliCusum, PageHinkley {
    private static final int CACHE_LIMIT = 20_000;
    private final Map<Long, DetectorDesign> cache = new ConcurrentHashMap<>();
    private final double budgetEvents;

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

    /** The test for an agent whose baseline violation rate is {@code baselineRate}. */
    public DetectorDesign design(double baselineRate) {
        long key = Math.round(baselineRate * 10_000);
        DetectorDesign design = cache.get(key);
        if (design == null) {
            design = newDesign(key / 10_000.0);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(key, design);
            }
        }
        return design;
    }

    protected abstract DetectorDesign newDesign(double baselineRate);
}
