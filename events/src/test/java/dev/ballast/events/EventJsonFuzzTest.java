package dev.ballast.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Every reader of the contract answers any bytes with a value or a reason, never an exception:
 * random bytes, valid events cut short or with invalid UTF-8 spliced in, fields of the wrong
 * type, deep nesting, huge numbers and strings. Reasons stay short enough for a record header
 * whatever the input.
 */
class EventJsonFuzzTest {
    private static final List<Function<byte[], Decoded<?>>> READERS = List.of(
            EventJson::readInteraction, EventJson::readCandidate, EventJson::readPreferencePair,
            EventJson::readRealignJob, EventJson::readTriageDecision, EventJson::readAlert,
            EventJson::readScoredCandidate, EventJson::readPolicy);

    private static final List<String> VALID = List.of(
            "{\"eventId\":\"e1\",\"agentId\":\"a1\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"reward\":2.5,"
                    + "\"action\":{\"type\":\"choice\",\"name\":\"x\"},\"prompt\":\"p\",\"response\":\"r\","
                    + "\"observedAgents\":[\"a2\",\"a3\"],\"groupId\":\"g\",\"labels\":{\"violation\":true}}",
            "{\"sampleId\":\"s1\",\"datasetId\":\"d\",\"prompt\":\"p\",\"response\":\"r\",\"timestamp\":\"2026-01-05T10:00:00Z\"}",
            "{\"pairId\":\"p1\",\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":\"r\"}",
            "{\"policyId\":\"p\",\"version\":1,\"effectiveAt\":\"2026-01-05T10:00:00Z\",\"rules\":[{\"id\":\"r\","
                    + "\"severity\":\"high\",\"description\":\"d\",\"when\":{\"responseMatches\":\"x+\","
                    + "\"actionTypes\":[\"t\"]}}]}");

    @Property(tries = 2_000)
    void anyBytesGetAnAnswer(@ForAll @Size(max = 2_048) byte[] bytes) {
        readAll(bytes);
    }

    @Property(tries = 1_000)
    void validEventsCutShortAreRefused(@ForAll("valid") String json, @ForAll("fraction") double at) {
        byte[] whole = json.getBytes(StandardCharsets.UTF_8);
        int cut = (int) (at * (whole.length - 1));
        byte[] shortened = java.util.Arrays.copyOf(whole, cut);
        readAll(shortened);
        for (Function<byte[], Decoded<?>> reader : READERS) {
            assertInstanceOf(Decoded.Rejected.class, reader.apply(shortened), "a cut object is never accepted");
        }
    }

    @Property(tries = 1_000)
    void invalidUtf8AnywhereIsAnswered(@ForAll("valid") String json, @ForAll("fraction") double at,
                                       @ForAll @Size(min = 1, max = 4) byte[] junk) {
        byte[] whole = json.getBytes(StandardCharsets.UTF_8);
        int pos = (int) (at * whole.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(whole, 0, pos);
        for (byte b : junk) {
            out.write(b | 0x80);
        }
        out.write(whole, pos, whole.length - pos);
        readAll(out.toByteArray());
    }

    @Property(tries = 1_000)
    void anyValueInAnyFieldIsAnswered(@ForAll("valid") String json, @ForAll("field") String field,
                                      @ForAll("jsonValue") String value) {
        String mutated = json.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[-0-9.eE]+|true|false|\\[[^\\]]*\\])",
                java.util.regex.Matcher.quoteReplacement("\"" + field + "\":" + value));
        readAll(mutated.getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 200)
    void nestingAtAnyDepthIsAnswered(@ForAll("valid") String json, @ForAll("depth") int depth,
                                     @ForAll boolean objects) {
        String open = objects ? "{\"k\":" : "[";
        String close = objects ? "}" : "]";
        String nested = json.substring(0, json.length() - 1) + ",\"ctx\":" + open.repeat(depth) + "1"
                + close.repeat(depth) + "}";
        Decoded<?> d = EventJson.readInteraction(nested.getBytes(StandardCharsets.UTF_8));
        if (depth >= EventJson.MAX_NESTING_DEPTH) {
            assertTrue(((Decoded.Rejected<?>) d).reason().contains(EventJson.TOO_DEEP));
        }
        readAll(nested.getBytes(StandardCharsets.UTF_8));
    }

    @Example
    void tenMegabyteStringsAndNamesAreAnswered() {
        String huge = "x".repeat(10 * 1_048_576);
        readAll(("{\"eventId\":\"" + huge + "\"}").getBytes(StandardCharsets.UTF_8));
        readAll(("{\"" + huge + "\":1}").getBytes(StandardCharsets.UTF_8));
        readAll(("{\"policyId\":\"p\",\"" + huge + "\":1}").getBytes(StandardCharsets.UTF_8));
        readAll(("\"" + huge).getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> valid() {
        return Arbitraries.of(VALID);
    }

    @Provide
    Arbitrary<Double> fraction() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<Integer> depth() {
        return Arbitraries.integers().between(1, 5_000);
    }

    @Provide
    Arbitrary<String> field() {
        return Arbitraries.of("eventId", "agentId", "timestamp", "reward", "observedAgents", "violation", "sampleId",
                "prompt", "chosen", "policyId", "version", "effectiveAt", "severity", "responseMatches", "actionTypes");
    }

    @Provide
    Arbitrary<String> jsonValue() {
        Arbitrary<String> strings = Arbitraries.strings().ofMaxLength(200)
                .map(s -> EventJson.writeString(s));
        Arbitrary<String> numbers = Arbitraries.oneOf(
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(400),
                Arbitraries.of("1e400", "-1e400", "NaN", "Infinity", "-0", "0x10", "1.", ".5", "01"));
        Arbitrary<String> literals = Arbitraries.of("null", "true", "false", "{}", "[]", "[null]", "{\"a\":",
                "\"2026-13-45T99:99:99Z\"", "\"\"", "[1,[2,[3]]]");
        Arbitrary<String> lists = Arbitraries.strings().ofMaxLength(20).list().ofMaxSize(5)
                .map(l -> EventJson.writeString(l));
        return Arbitraries.oneOf(strings, numbers, literals, lists,
                Combinators.combine(strings, numbers).as((a, b) -> "{\"k\":" + a + ",\"n\":" + b + "}"));
    }

    private static void readAll(byte[] bytes) {
        for (Function<byte[], Decoded<?>> reader : READERS) {
            Decoded<?> decoded = reader.apply(bytes);
            assertNotNull(decoded);
            if (decoded instanceof Decoded.Rejected<?> rejected) {
                assertFalse(rejected.reason().isBlank(), "a rejection says why");
                assertTrue(rejected.reason().length() <= Decoded.MAX_REASON_LENGTH, () -> "reason of "
                        + rejected.reason().length() + " characters: " + rejected.reason().substring(0, 200));
            }
        }
    }
}
