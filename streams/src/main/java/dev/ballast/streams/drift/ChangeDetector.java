package dev.ballast.streams.drift;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A change detector for an agent's violation indicator, parameterised by the agent's own baseline
 * rate. Designs are cached by baseline bucket, so per-event cost stays a map lookup. Each detector
 * keeps its own cache for that lookup; behind it one cache is shared by every detector with the
 * same kind, parameter and budget, so runs, tests and replays that build many monitors pay for each
 * design once.
 *
 * <p>A design solves a Markov chain on the stream thread: 0.1-5 ms for the rate CUSUM, 2-20 ms for
 * the moderate-rise CUSUM, whose small shift makes the chain long. Buckets of 1e-4 in the baseline
 * gave up to 10,000 designs per detector, and every agent whose estimate wandered into new ones
 * stalled the thread: in the throughput benchmark's latency phase a quarter of the monitor's stream
 * thread went to designs, and a restarted monitor would pay again. Buckets are now 0.02 wide in the
 * baseline's log-odds (2% of a low rate, finer near 1): about 690 designs per detector in all. Each
 * bucket is designed at its upper edge, which is conservative: a detector designed for a higher
 * baseline than the agent's drifts down faster in control, so the budget still holds, at the cost
 * of a threshold set for a baseline up to 2% higher than the agent's.
 */
public abstract sealed class ChangeDetector permits BernoulliCusum, PageHinkley {
    private static final int CACHE_LIMIT = 20_000;
    private static final int SHARED_CACHE_LIMIT = 200_000;
    /** Width of a design bucket, in log-odds of the baseline rate. */
    private static final double BUCKET_LOG_ODDS = 0.02;
    /** Lowest baseline designed for (see {@link #design(double)}). */
    private static final double MIN_RATE = 1e-4;
    /** Highest baseline {@link #prepare()} designs for: above it no rise is left worth a test. */
    private static final double MAX_PREPARED_RATE = 0.999;
    /**
     * Standard errors of the baseline estimate the rise left above it must exceed to be tested:
     * at 2 or 3, agents at steady rates of 0.9 to 0.98 still alarmed up to 4.5 or 1.5 times as
     * often as the budget allows; at 4, at most 0.65 times.
     */
    private static final double MIN_RISE_ERRORS = 4;
    /** Estimates from which the rate test is designed above them ({@link #estimateGuard}). */
    private static final double GUARD_FROM = 0.08;
    /** Estimates from which it is designed a whole standard error above them. */
    private static final double GUARD_FULL = 0.16;
    private static final Map<DesignKey, DetectorDesign> SHARED = new ConcurrentHashMap<>();
    private static final Object PREPARING = new Object();
    private final Map<Long, DetectorDesign> cache = new ConcurrentHashMap<>();
    private final double budgetEvents;

    private record DesignKey(String detector, double parameter, double budgetEvents, long bucket) {
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
        return designOf(bucket(baselineRate));
    }

    /**
     * Solves the design of every baseline from 1e-4 to {@value #MAX_PREPARED_RATE} now, so that
     * no agent waits on one later (about 690 designs; 0.5 s of one core for the rate CUSUM, 1 s for
     * the moderate-rise one). Designs are shared by the process, so this is paid once: preparations
     * running at the same time (two monitors in one process) take turns, and the later one only
     * looks up what the first solved.
     */
    public void prepare() {
        synchronized (PREPARING) {
            for (long b = bucket(MIN_RATE); b <= bucket(MAX_PREPARED_RATE); b++) {
                designOf(b);
            }
        }
    }

    /** How many designs this detector holds ready. */
    int readyDesigns() {
        return cache.size();
    }

    private DetectorDesign designOf(long bucket) {
        DetectorDesign design = cache.get(bucket);
        if (design == null) {
            design = shared(bucket);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(bucket, design);
            }
        }
        return design;
    }

    /** The bucket of {@code rate}: the log-odds of {@code max(rate, 1e-4)} rounded up to a bucket's width. */
    static long bucket(double rate) {
        double p = Math.min(Math.max(rate, MIN_RATE), 1 - 1e-12);
        return (long) Math.ceil(Math.log(p / (1 - p)) / BUCKET_LOG_ODDS);
    }

    /** The baseline a bucket is designed for: its upper edge, at least every rate in it. */
    static double edge(long bucket) {
        return 1 / (1 + Math.exp(-bucket * BUCKET_LOG_ODDS));
    }

    /**
     * The test for an agent whose baseline is estimated as {@code estimate}, within
     * {@code standardError}, designed {@code errorsAbove} standard errors above the estimate
     * ({@link #estimateGuard} for the rate test), or more where the highest rate the test can aim
     * at cuts the rise it is tuned to: there the rise left is small and a baseline estimated a
     * little low reads as one (an agent at a steady 0.97, warmed up on 50 events, alarmed 2.8 times
     * on average in 20,000 events at a budget of one alarm per million), so the design moves
     * toward the estimate's upper bound by as much as the cap cuts the rise, up to one standard
     * error; and a rise left within {@value #MIN_RISE_ERRORS} standard errors cannot be told from
     * the estimate's own error, so there is no test ({@link DetectorDesign#NEVER}) until more
     * baseline events narrow it.
     */
    public DetectorDesign design(double estimate, double standardError, double errorsAbove) {
        double cut = Math.max(0, estimate + tunedRise() - maxRate());
        double base = estimate + Math.max(Math.min(standardError, cut), errorsAbove * standardError);
        double riseLeft = Math.min(tunedRise(), maxRate() - base);
        return riseLeft < MIN_RISE_ERRORS * standardError ? DetectorDesign.NEVER : design(base);
    }

    /**
     * How many standard errors above its estimate an agent's rate test is designed
     * ({@link #design(double, double, double)}): none up to {@value #GUARD_FROM}, rising linearly
     * to one at {@value #GUARD_FULL} and above. A design solves the run length for a known
     * baseline, but an agent's is estimated, from 50 events at first, and a test designed against
     * an estimate that came out low alarms far sooner than the budget says. Measured on 90 million
     * in-control events per steady rate, agents living 500 events (50 of warm-up), alarms of the
     * rate CUSUM against the 81 its share of the budget allows: without the guard 98 at 0.03, 134
     * at 0.05, 197 at 0.1, 341 at 0.2, 427 at 0.3, 425 at 0.5; with it 190 at 0.1, 174 at 0.15,
     * 128 at 0.2, 56 at 0.3, 34 at 0.5 (README, "How detection works", 3, has the rest). Starting
     * lower guards more agents but slows drift detection on the simulator's baselines (0.005 to
     * 0.06, estimated from 50 events): from 0.02, 0.6 events of median delay and 4 of 33 seeds
     * their detection goal; from 0.06, one of 30 unseen seeds; from 0.08, nothing measurable.
     */
    static double estimateGuard(double estimate) {
        return Math.min(1, Math.max(0, (estimate - GUARD_FROM) / (GUARD_FULL - GUARD_FROM)));
    }

    /** The rise in violation rate the test is tuned to, where the baseline leaves room for it. */
    protected abstract double tunedRise();

    /** The highest violation rate the test can aim at. */
    protected abstract double maxRate();

    private DetectorDesign shared(long bucket) {
        DesignKey key = new DesignKey(name(), parameter(), budgetEvents, bucket);
        DetectorDesign design = SHARED.get(key);
        if (design == null) {
            design = newDesign(edge(bucket));
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
