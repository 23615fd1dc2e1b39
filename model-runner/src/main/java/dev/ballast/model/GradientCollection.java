package dev.ballast.model;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns for backward passes. DJL's PyTorch engine lets one {@code GradientCollector} collect at a
 * time in a JVM (a second one throws "A PtGradientCollector is already collecting"), and the
 * model-runner scores candidates while its in-jvm launcher trains a re-alignment job: without
 * turns a job that arrived while candidates were being scored failed, and a batch scored during a
 * training step would have been quarantined unscored. Every collector Ballast opens is opened in
 * a turn, for one scored batch or one training step at a time, so the two interleave.
 */
public final class GradientCollection {
    /** Fair, so that neither a long job nor a steady stream of candidates starves the other. */
    private static final ReentrantLock TURN = new ReentrantLock(true);

    private GradientCollection() {
    }

    /**
     * Waits for this thread's turn and returns it; closing it ends the turn. Taken as the first
     * resource of the try that opens the collector, so that the collector closes first.
     */
    public static Turn take() {
        TURN.lock();
        return TURN::unlock;
    }

    /** A turn to collect gradients, held until closed. */
    public interface Turn extends AutoCloseable {
        @Override
        void close();
    }
}
