package dev.ballast.streams.gate;

import java.util.SplittableRandom;
import org.apache.datasketches.common.Family;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantilesFloatsSketchIterator;
import org.apache.datasketches.tdigest.TDigestDouble;

/**
 * The running distribution of gradient norms of one dataset under one model version: an Apache
 * DataSketches t-digest (fixed memory whatever the stream length, most accurate at the tails,
 * where the gate's threshold sits), with its byte form for the state store.
 *
 * <p>A t-digest rather than a KLL sketch because it is deterministic: KLL compacts with a random
 * generator shared by the whole JVM that cannot be seeded, so the same candidates in the same
 * order were accepted a little differently each run, and a gate restored after a crash went on
 * differently from one that ran through. Here the sketch is a function of the scores and their
 * order.
 *
 * <p>Each score goes in moved by less than {@value #TIE_SPREAD} of itself, by an amount fixed by
 * how many scores came before it ({@link #untied}). Identical texts score identically, and the
 * t-digest's sort picks its pivots at random, so centroids with the same mean but different
 * weights came out in a different order each time and merged differently: the same scores in the
 * same order gave different ranks (one demo candidate in four runs flipped between accepted and
 * HIGH_GRADIENT). With no two values equal the sort has one result, whatever its pivots.
 */
public final class ScoreSketch {
    /** KLL sketches stored by Ballast before the t-digest are replayed into one this big at most. */
    static final long MAX_CONVERTED = 1_000_000;
    public static final int MIN_K = 10;
    public static final int MAX_K = Short.MAX_VALUE;
    /** Widest relative move of a score on its way into the digest, far inside the digest's rank error. */
    static final double TIE_SPREAD = 1e-6;

    private final TDigestDouble digest;

    private ScoreSketch(TDigestDouble digest) {
        this.digest = digest;
    }

    /** @param k the t-digest's compression: about k centroids are kept ({@value #MIN_K} to {@value #MAX_K}) */
    public static ScoreSketch empty(int k) {
        return new ScoreSketch(new TDigestDouble((short) k));
    }

    /** Reads {@link #toBytes()}, or a KLL sketch stored by an earlier Ballast (converted). */
    public static ScoreSketch fromBytes(byte[] bytes) {
        Memory memory = Memory.wrap(bytes);
        if (bytes.length > 2 && bytes[2] == Family.KLL.getID()) {
            return fromKll(KllFloatsSketch.heapify(memory));
        }
        return new ScoreSketch(TDigestDouble.heapify(memory));
    }

    /**
     * The KLL's retained scores, each added as often as its weight, so ranks carry over up to the
     * KLL's own error. A long stream is scaled down to {@link #MAX_CONVERTED} scores so that the
     * one-off conversion stays bounded; only the warm-up reads the count, and that is long past.
     */
    private static ScoreSketch fromKll(KllFloatsSketch kll) {
        ScoreSketch sketch = empty(Math.max(MIN_K, Math.min(kll.getK(), MAX_K)));
        double scale = Math.min(1.0, (double) MAX_CONVERTED / Math.max(1, kll.getN()));
        QuantilesFloatsSketchIterator it = kll.iterator();
        while (it.next()) {
            long copies = Math.max(1, Math.round(it.getWeight() * scale));
            for (long i = 0; i < copies; i++) {
                sketch.add(it.getQuantile());
            }
        }
        return sketch;
    }

    public byte[] toBytes() {
        return digest.toByteArray();
    }

    public long count() {
        return digest.getTotalWeight();
    }

    public void add(double gradNorm) {
        digest.update(untied(gradNorm, digest.getTotalWeight()));
    }

    /**
     * {@code score} (finite, not negative) moved by less than half {@link #TIE_SPREAD} of itself
     * either way, or a zero up by a few subnormals, by an amount drawn from its position in the
     * stream: equal scores at different positions become different values (two of n equal scores
     * stay equal with a chance near n^2 / 2^33), never negative, and a restored sketch goes on
     * exactly as one that ran through.
     */
    static double untied(double score, long position) {
        double u = new SplittableRandom(position).nextDouble();
        if (score == 0) {
            return Double.MIN_VALUE * (1 + (long) (u * (1L << 40)));
        }
        return score + score * TIE_SPREAD * (u - 0.5);
    }

    /**
     * The smallest score whose {@link #rank} is at least {@code rank}; needs a score. Found by
     * bisection on the rank rather than with the digest's own quantile, which interpolates
     * differently and was measured up to 1.5 points of rank off at the median (0.6 at 0.9), where
     * the rank stays within 0.1: the threshold and the quantile the gate reports then agree.
     */
    public double quantile(double rank) {
        double lo = digest.getMinValue();
        double hi = digest.getMaxValue();
        if (digest.getRank(lo) >= rank) {
            return lo;
        }
        // Invariant: rank(lo) < rank <= rank(hi). 64 halvings leave (max - min) / 2^64, far inside
        // the digest's own error, without walking down through subnormals when the minimum is 0.
        for (int i = 0; i < 64; i++) {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) {
                break;
            }
            if (digest.getRank(mid) >= rank) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** Share of scores at or below {@code gradNorm}; needs a score. */
    public double rank(double gradNorm) {
        return digest.getRank(gradNorm);
    }
}
