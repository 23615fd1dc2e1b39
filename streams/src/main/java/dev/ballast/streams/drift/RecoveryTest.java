package dev.ballast.streams.drift;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When an episode ends: the test that re-arms an alerted agent. It is a CUSUM on the compliance
 * indicator, the log-likelihood ratio of "back at the baseline {@code p0}" against "still at the
 * rate the episode showed", with its threshold calibrated, like an alarm's, to the false-alarm
 * budget: a false re-arm is a repeated alert for an agent that never came back.
 *
 * <p>The episode's rate is taken at a lower bound over the events since the change point, with
 * the baseline's Laplace prior, because the alarm fires on a run of violations and the rate seen
 * up to it reads high: five violations in five events are not a rate of 1. A rate not clearly
 * above the baseline gets no test ({@link DetectorDesign#NEVER}); {@link AgentMonitor} then
 * follows another rate (the paid-violation rate, for episodes that statistic opened) or the
 * alarm's own test.
 *
 * <p>Before, the agent re-armed on evidence for the baseline over the rate the alarm is tuned to
 * ({@code p0} plus the CUSUM's shift), with the alarm's threshold; an agent that settled between
 * the two, as after a moderate rise, was closer to the baseline by that measure and re-armed
 * again and again: from 0.05 to 0.3, 21 alerts per agent in 20,000 events (now 1.06). An agent
 * that does come back is still re-armed, and its next rise caught as fast as its first.
 */
final class RecoveryTest {
    private static final double MAX_RATE = 0.99;
    /**
     * Standard errors below the episode's observed rate at which the test places it. At one, 100
     * agents that rose from 0.05 to 0.2 and stayed there alerted 46 more times in 20,000 events;
     * at two, 11 more.
     */
    private static final double EPISODE_RATE_ERRORS = 2;
    private static final int CACHE_LIMIT = 50_000;
    private final double budgetEvents;
    private final Map<Long, DetectorDesign> cache = new ConcurrentHashMap<>();

    RecoveryTest(double budgetEvents) {
        this.budgetEvents = budgetEvents;
    }

    /**
     * The test for an agent with baseline {@code baseline} whose episode showed
     * {@code violations} in {@code events} events since its change point; its increments apply
     * to compliant events ({@link DetectorDesign#next} with {@code !violation}).
     */
    DetectorDesign design(double baseline, long violations, long events) {
        double rate = (violations + 1.0) / (events + 2.0);
        double lower = Math.min(MAX_RATE, rate - EPISODE_RATE_ERRORS * Math.sqrt(rate * (1 - rate) / (events + 2.0)));
        long p0 = Math.max(1, Math.round(baseline * 10_000));
        long pe = Math.round(lower * 10_000);
        if (pe <= p0) {
            return DetectorDesign.NEVER;
        }
        long key = p0 * 100_000 + pe;
        DetectorDesign design = cache.get(key);
        if (design == null) {
            design = newDesign(p0 / 10_000.0, pe / 10_000.0);
            if (cache.size() < CACHE_LIMIT) {
                cache.put(key, design);
            }
        }
        return design;
    }

    private DetectorDesign newDesign(double p0, double episodeRate) {
        double up = Math.log((1 - p0) / (1 - episodeRate));
        double down = Math.log(p0 / episodeRate);
        return new DetectorDesign(up, down, ThresholdCalibrator.threshold(1 - episodeRate, up, down, budgetEvents));
    }
}
