package dev.ballast.streams.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
     * budget, and the approximation must not be so loose that detection is needlessly slow.
     */
    @ParameterizedTest
    @CsvSource({"cusum,0.02,500", "cusum,0.10,2000", "page-hinkley,0.05,1000", "cusum,0.30,1000"})
    void achievedRunLengthMeetsTheBudget(String kind, double p0, double budget) {
        ChangeDetector detector = kind.equals("cusum") ? new BernoulliCusum(0.45, budget) : new PageHinkley(0.15, budget);
        DetectorDesign design = detector.design(p0);
        SplittableRandom rng = new SplittableRandom(11);
        int runs = 400;
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
        double mean = total / runs;
        assertTrue(mean >= budget, "mean in-control run " + mean + " below budget " + budget);
        assertTrue(mean <= 6 * budget, "mean in-control run " + mean + " needlessly above budget " + budget);
    }
}
