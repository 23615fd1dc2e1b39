package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {
    @Test
    void aProducerLeftUnableToGoOnByAnOutageIsReplaced() {
        // As Kafka Streams reported it 2 minutes into a broker outage.
        assertTrue(StreamThreadFailures.clusterTimedOut(new StreamsException(new IllegalStateException(
                "Cannot attempt operation `sendOffsetsToTransaction` because the previous call to "
                        + "`commitTransaction` timed out and must be retried"))));
        assertTrue(StreamThreadFailures.clusterTimedOut(new StreamsException("commit failed",
                new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)"))));
    }

    @Test
    void aBugStillStopsTheMonitor() {
        assertFalse(StreamThreadFailures.clusterTimedOut(new StreamsException(new NullPointerException())));
        assertFalse(StreamThreadFailures.clusterTimedOut(new StreamsException(new IllegalStateException("bad state"))));
        assertFalse(StreamThreadFailures.clusterTimedOut(new IllegalStateException((String) null)));
    }
}
