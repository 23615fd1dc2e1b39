package dev.ballast.streams.monitor;

/**
 * The outcome of reading one user record at the edge of the topology: a usable value, or the
 * original bytes and the reason, bound for the dead-letter topic.
 *
 * @param <T> the event type
 */
public sealed interface Intake<T> {
    /**
     * @param value              the decoded event
     * @param arrivedKeyedByValue whether the record's own key already was the key derived from the
     *                            value (agentId, policyId), so its partition is already right
     */
    record Valid<T>(T value, boolean arrivedKeyedByValue) implements Intake<T> {
    }

    record Invalid<T>(byte[] originalKey, byte[] originalValue, String reason) implements Intake<T> {
    }
}
