package dev.ballast.streams.kafka;

/**
 * The cluster could not be used as configured: unreachable, unresolvable or refusing this
 * client. An expected failure: its message is the whole story for the user, the cause is for the
 * debug log.
 */
public final class ClusterException extends RuntimeException {
    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
