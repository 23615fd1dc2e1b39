package dev.ballast.streams.kafka;

import org.apache.kafka.common.errors.TimeoutException;

/**
 * Which stream-thread failures a new thread can get past. A cluster that does not answer for
 * longer than the producer's {@code max.block.ms} twice (a broker outage of about two minutes)
 * leaves the thread's transactional producer unable to go on: Kafka Streams then fails the thread
 * with the producer's "Cannot attempt operation ... because the previous call to
 * `commitTransaction` timed out and must be retried". A new thread has a new producer, which
 * fences the old one's open transaction and goes on from the last commit, exactly once; anything
 * else (a bug) still stops the monitor.
 */
public final class StreamThreadFailures {
    private static final String TIMED_OUT_TRANSACTION = "timed out and must be retried";

    private StreamThreadFailures() {
    }

    /** Whether {@code e} comes from the cluster not answering in time, anywhere in its causes. */
    public static boolean clusterTimedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException
                    || t instanceof IllegalStateException && t.getMessage() != null
                    && t.getMessage().contains(TIMED_OUT_TRANSACTION)) {
                return true;
            }
        }
        return false;
    }
}
