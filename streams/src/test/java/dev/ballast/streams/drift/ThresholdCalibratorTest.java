package dev.ballast.streams.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ThresholdCalibratorTest {

    @Test
    void thetaIsOneForLogLikelihoodRatioIncrements() {
        double p0 = 0.05;
        double p1 = 0.5;
        double theta = ThresholdCalibrator.theta(p0, Math.log(p1 / p0), Math.log((1 - p1) / (1 - p0)));
        assertEquals(1.0, theta, 1e-9);
    }

    @Test
    void thresholdGrowsWithTheBudget() {
        BernoulliCusum small = new BernoulliCusum(0.45, 1_000);
        BernoulliCusum large = new BernoulliCusum(0.45, 1_000_000);
        assertTrue(large.design(0.05).threshold() > small.design(0.05).threshold() + 5);
    }

    /**
     * The budget is a promise: simulated in-control run lengths must average at least the
     * budget. How much more depends on the lattice of 0/1 data: with small budgets one more
     * violation in a row can multiply the run length (at a baseline of 0.005 the next threshold
     * down alarms on a single violation, every 200 events), so the upper bound is loose here and
     * {@link #exactThresholdIsBelowTheApproximation} pins the gain at production budgets.
     */
    @ParameterizedTest
    @CsvSource({"cusum,0.02,500", "cusum,0.10,2000", "page-hinkley,0.05,1000", "page-hinkley,0.9,1000", "page-hinkley,0.97,2000", "cusum,0.30,1000", "cusum,0.005,3000"})
    void achievedRunLengthMeetsTheBudget(String kind, double p0, double budget) {
        ChangeDetector detector = kind.equals("cusum") ? new BernoulliCusum(0.45, budget) : new PageHinkley(0.15, budget);
        double mean = meanRunLength(detector.design(p0), p0, 4000, 11);
        // 4,000 runs of a nearly geometric run length: the mean is known to about 1.6%.
        assertTrue(mean >= 0.95 * budget, "mean in-control run " + mean + " below budget " + budget);
        assertTrue(mean <= 6 * budget, "mean in-control run " + mean + " needlessly above budget " + budget);
    }

    @Test
    void chainRunLengthMatchesAClosedForm() {
        // One state: every violation alarms, so the run length is geometric with mean 1/p0.
        assertEquals(1 / 0.04, ThresholdCalibrator.runLength(0.04, 3, 1, 1), 1e-9);
        // Two states, up 1, down 1: from 0 a violation reaches 1, a second in a row alarms;
        // L0 = 1 + p L1 + q L0, L1 = 1 + q L0, so L0 = (1 + p) / p^2.
        double p = 0.2;
        assertEquals((1 + p) / (p * p), ThresholdCalibrator.runLength(p, 1, 1, 2), 1e-9);
    }

    /** The chain's run length is that of the rounded-up statistic: at most the detector's, and close. */
    @Test
    void chainRunLengthMatchesSimulation() {
        double p0 = 0.05;
        double up = Math.log(0.35 / p0);
        double down = Math.log(0.65 / 0.95);
        double step = -down / 16;
        int upSteps = (int) Math.ceil(up / step);
        int states = 60;
        double chain = ThresholdCalibrator.runLength(p0, upSteps, 16, states);
        double simulated = meanRunLength(new DetectorDesign(up, down, (states - 1) * step), p0, 20_000, 5);
        assertTrue(chain <= simulated * 1.02 && chain >= simulated * 0.85, "chain " + chain + ", simulated " + simulated);
    }

    /**
     * The smallest shift and largest budget the configuration accepts, at the lowest baseline a
     * design is made for: one violation is worth 460 compliant decrements, and the chain must still
     * be small (a grid of 1/8 of a decrement would need a band of 3,700 x 19,000 doubles).
     */
    @Test
    void extremeSettingsStillGetADesign() {
        for (double budget : new double[]{1e4, 2e12}) {
            DetectorDesign design = new BernoulliCusum(0.01, budget).design(0.0001);
            assertTrue(design.threshold() > 0 && design.threshold() < 40, budget + ": " + design);
        }
        DetectorDesign ph = new PageHinkley(0.01, 2e12).design(0.0001);
        assertTrue(ph.threshold() > 0 && Double.isFinite(ph.threshold()), ph.toString());
        DetectorDesign small = new BernoulliCusum(0.01, 1e4).design(0.0001);
        double mean = meanRunLength(small, 0.0001, 200, 3);
        assertTrue(mean >= 5_000, "200 runs allow only a loose check; mean in-control run " + mean);
    }

    /**
     * Baselines near or above the CUSUM's reference rate (0.99): the chain would be huge or, with
     * a violation worth a fraction of a grid step, could not confirm any threshold; the
     * approximation's threshold stands, and an agent already violating always can never alarm.
     */
    /**
     * Designs are shared by buckets of baselines, each designed at its upper edge (a higher
     * baseline is the conservative side) and at most 2% above any baseline in it; there are few
     * enough buckets over the whole range that every design is paid for once, in about a second.
     */
    @Test
    void designBucketsAreFewAndErrOnTheSafeSide() {
        java.util.Set<Long> buckets = new java.util.HashSet<>();
        for (double p = 0.0001; p < 0.99; p += 0.00001) {
            double edge = ChangeDetector.edge(ChangeDetector.bucket(p));
            assertTrue(edge >= p && edge <= p * 1.0203, "rate " + p + " designed at " + edge);
            buckets.add(ChangeDetector.bucket(p));
        }
        assertTrue(buckets.size() < 700, buckets.size() + " buckets");
        assertEquals(ChangeDetector.bucket(0.0001), ChangeDetector.bucket(0));
        BernoulliCusum cusum = new BernoulliCusum(0.45, 1_000_000);
        assertSame(cusum.design(0.0301), cusum.design(0.0302));
    }

    /** Prepared, a detector holds every bucket's design, the same a later lookup gives. */
    @Test
    void preparedDesignsAreTheOnesLookedUp() {
        BernoulliCusum cusum = new BernoulliCusum(0.15, 1e7);
        assertEquals(0, cusum.readyDesigns());
        cusum.prepare();
        int buckets = (int) (ChangeDetector.bucket(0.999) - ChangeDetector.bucket(0.0001) + 1);
        assertEquals(buckets, cusum.readyDesigns());
        for (double p = 0.0001; p < 0.999; p += 0.0007) {
            assertSame(new BernoulliCusum(0.15, 1e7).design(p), cusum.design(p), "rate " + p);
        }
        assertEquals(buckets, cusum.readyDesigns());
    }

    @Test
    void baselinesNearTheReferenceRateGetADesignWithoutSolvingAHugeChain() {
        BernoulliCusum cusum = new BernoulliCusum(0.45, 1_000_000);
        for (double p0 : new double[]{0.9, 0.95, 0.985}) {
            DetectorDesign d = cusum.design(p0);
            double designedFor = ChangeDetector.edge(ChangeDetector.bucket(p0));
            double mu0 = designedFor * d.up() + (1 - designedFor) * d.down();
            assertEquals(ThresholdCalibrator.approximateThreshold(1, mu0, 1_000_000), d.threshold(), 1e-6 * d.threshold(),
                    "p0 " + p0);
        }
        assertEquals(DetectorDesign.NEVER, cusum.design(0.995));
        assertEquals(DetectorDesign.NEVER, cusum.design(0.99999));
        assertTrue(Double.isFinite(new PageHinkley(0.15, 1_000_000).design(0.995).threshold()));
    }

    @Test
    void exactThresholdIsBelowTheApproximation() {
        double p0 = 0.03;
        double up = Math.log(0.48 / p0);
        double down = Math.log(0.52 / 0.97);
        double mu0 = p0 * up + (1 - p0) * down;
        double approximate = ThresholdCalibrator.approximateThreshold(1, mu0, 2_000_000);
        double exact = ThresholdCalibrator.threshold(p0, up, down, 2_000_000);
        assertTrue(exact < approximate - 0.8 && exact > approximate - 2, exact + " against " + approximate);
    }

    /** Mean events to alarm of {@code design} on in-control data at rate {@code p0}, simulated. */
    private static double meanRunLength(DetectorDesign design, double p0, int runs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double total = 0;
        for (int r = 0; r < runs; r++) {
            double s = 0;
            long n = 0;
            do {
                n++;
                s = Math.max(0, s + design.increment(rng.nextDouble() < p0));
            } while (s <= design.threshold());
            total += n;
        }
        return total / runs;
    }
}
