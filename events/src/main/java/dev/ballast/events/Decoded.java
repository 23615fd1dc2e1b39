package dev.ballast.events;

import java.util.Objects;

/**
 * The outcome of reading one record: either a value or the reason it could not be used. Decoding
 * never throws, so a bad record can be dead-lettered instead of stopping a stream thread.
 *
 * @param <T> the event type
 */
public sealed interface Decoded<T> {

    /** A usable value. */
    record Ok<T>(T value) implements Decoded<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A rejected record and a human-readable, field-level reason. */
    record Rejected<T>(String reason) implements Decoded<T> {
    }

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> rejected(String reason) {
        return new Rejected<>(reason);
    }
}
