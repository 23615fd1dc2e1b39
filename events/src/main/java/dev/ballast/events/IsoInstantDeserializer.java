package dev.ballast.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Timestamps must be ISO-8601 strings with a zone offset ({@code 2026-01-05T10:00:00Z}). A bare
 * number is rejected: seconds, milliseconds and nanoseconds since the epoch look alike, and a
 * misread unit would silently move an event by decades and select the wrong policy version.
 */
final class IsoInstantDeserializer extends StdScalarDeserializer<Instant> {
    /**
     * Kafka record timestamps are milliseconds since the epoch and never negative; an instant
     * outside this range cannot be one (and overflows on conversion, which stopped the stream).
     */
    static final Instant EARLIEST = Instant.EPOCH;
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    static final String OUT_OF_RANGE = "out of range";

    IsoInstantDeserializer() {
        super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
        }
        String text = p.getText().trim();
        Instant at;
        try {
            at = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, "not ISO-8601");
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            return (Instant) ctxt.handleWeirdStringValue(Instant.class, text, OUT_OF_RANGE);
        }
        return at;
    }
}
