package dev.ballast.events;

import java.util.Objects;

/**
 * The outcome of reading one record: either a value or the reason it could not be used. Decoding
 * never throws, so a bad record can be dead-lettered instead of stopping a stream thread.
 *
 * @param <T> the event type
 */
public sealed interface Decoded<T> {

    /**
     * Longest reason kept, in characters. Reasons quote the input (field names, values, patterns)
     * and travel as a dead letter's header, so hostile input must not make them large.
     */
    int MAX_REASON_LENGTH = 4_096;

    /** A usable value. */
    record Ok<T>(T value) implements Decoded<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A rejected record and a human-readable, field-level reason, cut to {@link #MAX_REASON_LENGTH}. */
    record Rejected<T>(String reason) implements Decoded<T> {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            if (reason.length() > MAX_REASON_LENGTH) {
                reason = reason.substring(0, MAX_REASON_LENGTH - 1) + "\u2026";
            }
        }
    }

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> rejected(String reason) {
        return new Rejected<>(reason);
    }
}
