package dev.ballast.streams.gate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.junit.jupiter.api.Test;

class ScoreSketchTest {
    /** Heavy-tailed like gradient norms: log-normal. */
    private static double[] scores(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            double u1 = 1 - rng.nextDouble();
            double u2 = rng.nextDouble();
            xs[i] = Math.exp(Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return xs;
    }

    /** As the gate keeps it: read from the store, one score added, written back, per candidate. */
    private static byte[] throughTheStore(double[] xs, int k) {
        byte[] bytes = ScoreSketch.empty(k).toBytes();
        for (double x : xs) {
            ScoreSketch sketch = ScoreSketch.fromBytes(bytes);
            sketch.add(x);
            bytes = sketch.toBytes();
        }
        return bytes;
    }

    private static double exactRank(double[] sorted, double x) {
        int i = Arrays.binarySearch(sorted, x);
        return (double) (i >= 0 ? i + 1 : -i - 1) / sorted.length;
    }

    @Test
    void theSameScoresInTheSameOrderGiveTheSameSketch() {
        double[] xs = scores(11, 20_000);
        byte[] first = throughTheStore(xs, 200);
        byte[] second = throughTheStore(xs, 200);
        assertArrayEquals(first, second, "a replay of the same candidates must reach the same thresholds");
        // A gate restored mid-stream from its stored bytes continues exactly where one that ran through is.
        byte[] half = throughTheStore(Arrays.copyOf(xs, 10_000), 200);
        ScoreSketch resumed = ScoreSketch.fromBytes(half);
        for (int i = 10_000; i < xs.length; i++) {
            byte[] b = resumed.toBytes();
            resumed = ScoreSketch.fromBytes(b);
            resumed.add(xs[i]);
        }
        assertArrayEquals(first, resumed.toBytes());
    }

    @Test
    void tiedScoresGiveTheSameSketchEveryTime() {
        // Identical texts score identically: 20 scores and zero, each repeated hundreds of times.
        double[] distinct = scores(31, 20);
        SplittableRandom rng = new SplittableRandom(32);
        double[] xs = new double[5_000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i % 50 == 0 ? 0.0 : distinct[rng.nextInt(distinct.length)];
        }
        byte[] first = throughTheStore(xs, 200);
        for (int run = 0; run < 3; run++) {
            assertArrayEquals(first, throughTheStore(xs, 200), "the digest's random pivots must not reorder ties");
        }
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        ScoreSketch sketch = ScoreSketch.fromBytes(first);
        for (double x : distinct) {
            // Within a tie the digest counts about half of it, as it does for any centroid.
            int below = -Arrays.binarySearch(sorted, Math.nextDown(x)) - 1;
            int atOrBelow = -Arrays.binarySearch(sorted, Math.nextUp(x)) - 1;
            double rank = sketch.rank(x);
            assertTrue(rank >= (double) below / xs.length - 0.01 && rank <= (double) atOrBelow / xs.length + 0.01,
                    "rank " + rank + " of a tie between " + below + " and " + atOrBelow);
        }
    }

    @Test
    void untyingMovesAScoreByLessThanItsSpreadAndNeverBelowZero() {
        for (long position = 0; position < 10_000; position++) {
            double x = ScoreSketch.untied(0.5, position);
            assertTrue(Math.abs(x - 0.5) <= 0.5 * ScoreSketch.TIE_SPREAD * 0.5, "moved to " + x);
            double zero = ScoreSketch.untied(0.0, position);
            assertTrue(zero > 0 && zero < Double.MIN_NORMAL, "zero moved to " + zero);
        }
        assertTrue(ScoreSketch.untied(0.5, 1) != ScoreSketch.untied(0.5, 2));
        assertEquals(ScoreSketch.untied(0.5, 7), ScoreSketch.untied(0.5, 7), "fixed by position");
    }

    @Test
    void anyQuantileIsWithinAFifthOfAPointOfRank() {
        for (long seed : new long[] {3, 4, 5}) {
            double[] xs = scores(seed, 50_000);
            ScoreSketch sketch = ScoreSketch.fromBytes(throughTheStore(xs, 200));
            double[] sorted = xs.clone();
            Arrays.sort(sorted);
            assertEquals(50_000, sketch.count());
            for (double q : new double[] {0.01, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99}) {
                                assertEquals(q, exactRank(sorted, sketch.quantile(q)), 0.002, "quantile " + q + ", seed " + seed);
                double x = sorted[(int) (q * sorted.length)];
                assertEquals(exactRank(sorted, x), sketch.rank(x), 0.002, "rank at " + q + ", seed " + seed);
            }
            assertTrue(sketch.toBytes().length <= 5_000, "4-5 KB at k = 200: " + sketch.toBytes().length);
        }
    }

    @Test
    void pointMassesAtZeroAndTinyScoresGiveThresholdsBetweenThem() {
        ScoreSketch sketch = ScoreSketch.empty(200);
        sketch.add(0.0);
        assertEquals(0.0, sketch.quantile(0.9), 1e-310, "a zero goes in as a few subnormals");
        for (int i = 0; i < 99; i++) {
            sketch.add(i < 95 ? 0.0 : 1e-300);
        }
        assertEquals(1e-300, sketch.quantile(0.99), 1e-300);
        // Within a point mass the digest interpolates ranks, so the median lands between the two masses.
        double median = sketch.quantile(0.5);
        assertTrue(median >= 0 && median <= 1e-300, "median " + median);
    }

    @Test
    void aKllSketchStoredByAnEarlierBallastIsConverted() {
        double[] xs = scores(21, 30_000);
        KllFloatsSketch kll = KllFloatsSketch.newHeapInstance(200);
        for (double x : xs) {
            kll.update((float) x);
        }
        ScoreSketch converted = ScoreSketch.fromBytes(kll.toByteArray());
        assertEquals(30_000, converted.count());
        double[] sorted = xs.clone();
        Arrays.sort(sorted);
        // Up to the KLL's own rank error (about 1.65/k).
        assertEquals(0.9, exactRank(sorted, converted.quantile(0.9)), 0.01);
        converted.add(1.0);
        assertEquals(30_001, ScoreSketch.fromBytes(converted.toBytes()).count(), "written back as a t-digest");
    }

    @Test
    void convertingAVeryLongKllStreamStaysBounded() {
        KllFloatsSketch kll = KllFloatsSketch.newHeapInstance(200);
        SplittableRandom rng = new SplittableRandom(8);
        for (int i = 0; i < 3_000_000; i++) {
            kll.update((float) rng.nextDouble());
        }
        ScoreSketch converted = ScoreSketch.fromBytes(kll.toByteArray());
        assertEquals(ScoreSketch.MAX_CONVERTED, converted.count(), ScoreSketch.MAX_CONVERTED * 0.01);
        assertEquals(0.9, converted.quantile(0.9), 0.01);
    }
}
