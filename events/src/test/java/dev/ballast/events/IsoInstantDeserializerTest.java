package dev.ballast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The fast path for the common timestamp shape agrees with the ISO formatter it stands in for:
 * the same instant for every string it accepts, and nothing the formatter would refuse.
 */
class IsoInstantDeserializerTest {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    @Property(tries = 3000)
    void givesTheFormattersInstantForEveryCommonTimestamp(@ForAll @LongRange(min = 0, max = 253_402_300_799L - 18 * 3600) long second,
                                                          @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
                                                          @ForAll @IntRange(min = 0, max = 9) int fractionDigits,
                                                          @ForAll @IntRange(min = -18 * 60, max = 18 * 60) int offsetMinutes,
                                                          @ForAll boolean zulu) {
        ZoneOffset offset = zulu ? ZoneOffset.UTC : ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
        OffsetDateTime at = Instant.ofEpochSecond(second, nanos).atOffset(offset);
        String text = LOCAL.format(at)
                + fraction(at.getNano(), fractionDigits)
                + (zulu ? "Z" : offsetText(offsetMinutes));
        assertEquals(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(),
                IsoInstantDeserializer.commonShape(text), text);
    }

    @Property(tries = 5000)
    void acceptsNothingTheFormatterRefuses(@ForAll("nearlyTimestamps") String text) {
        Instant fast = IsoInstantDeserializer.commonShape(text);
        if (fast == null) {
            return;
        }
        try {
            assertEquals(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), fast, text);
        } catch (DateTimeParseException e) {
            throw new AssertionError("fast path accepted '" + text + "', which the formatter refuses", e);
        }
    }

    @Example
    void leavesOtherShapesAndInvalidDatesToTheFormatter() {
        for (String text : new String[]{"2026-02-30T10:00:00Z", "2026-01-05T24:00:00Z", "2026-01-05T10:00:60Z",
                "2026-01-05T10:00:00", "2026-01-05T10:00:00+19:00", "2026-01-05T10:00:00+05", "2026-01-05 10:00:00Z",
                "2026-01-05T10:00:00.Z", "2026-01-05T10:00:00.1234567891Z", "2026-01-05T10:00:00z",
                "2026-01-05T10:00:00+05:30:15", "+2026-01-05T10:00:00Z", "2026-01-0\u0665T10:00:00Z"}) {
            assertNull(IsoInstantDeserializer.commonShape(text), text);
        }
    }

    @Provide
    Arbitrary<String> nearlyTimestamps() {
        // Valid timestamps with one to three characters replaced from an alphabet of the shape's own
        // characters: a dense walk around the accepted set.
        Arbitrary<String> valid = Arbitraries.of("2026-01-05T10:00:00Z", "1999-12-31T23:59:59.999+18:00",
                "2024-02-29T00:00:00.5-00:30", "2023-02-28T12:34:56.123456789Z", "1970-01-01T00:00:00-18:00");
        return valid.flatMap(base -> Arbitraries.integers().between(0, base.length() - 1).list().ofMinSize(1).ofMaxSize(3)
                .flatMap(positions -> Arbitraries.of('0', '1', '2', '3', '5', '9', '-', '+', ':', '.', 'T', 'Z', ' ')
                        .list().ofSize(positions.size())
                        .map(chars -> {
                            StringBuilder s = new StringBuilder(base);
                            for (int k = 0; k < positions.size(); k++) {
                                s.setCharAt(positions.get(k), chars.get(k));
                            }
                            return s.toString();
                        })));
    }

    private static String fraction(int nanos, int digits) {
        if (digits == 0) {
            return "";
        }
        String nine = String.format("%09d", nanos);
        return "." + nine.substring(0, digits);
    }

    private static String offsetText(int minutes) {
        int abs = Math.abs(minutes);
        return String.format("%s%02d:%02d", minutes < 0 ? "-" : "+", abs / 60, abs % 60);
    }
}
