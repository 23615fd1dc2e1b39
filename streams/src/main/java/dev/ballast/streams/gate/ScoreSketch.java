package dev.ballast.streams.gate;

import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The running distribution of gradient norms of one dataset under one model version: a KLL
 * quantile sketch (fixed memory whatever the stream length, rank error about 1.65/k), with its
 * byte form for the state store.
 */
public final class ScoreSketch {
    private final KllFloatsSketch sketch;

    private ScoreSketch(KllFloatsSketch sketch) {
        this.sketch = sketch;
    }

    public static ScoreSketch empty(int k) {
        return new ScoreSketch(KllFloatsSketch.newHeapInstance(k));
    }

    public static ScoreSketch fromBytes(byte[] bytes) {
        return new ScoreSketch(KllFloatsSketch.heapify(Memory.wrap(bytes)));
    }

    public byte[] toBytes() {
        return sketch.toByteArray();
    }

    public long count() {
        return sketch.getN();
    }

    public void add(double gradNorm) {
        sketch.update((float) gradNorm);
    }

    /** The smallest score whose rank is at least {@code rank} (inclusive). */
    public double quantile(double rank) {
        return sketch.getQuantile(rank);
    }

    /** Share of scores at or below {@code gradNorm}. */
    public double rank(double gradNorm) {
        return sketch.getRank((float) gradNorm);
    }
}
