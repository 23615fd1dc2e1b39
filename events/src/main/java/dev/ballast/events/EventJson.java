package dev.ballast.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The two JSON dialects of the contract. Events are lenient (unknown fields ignored) so that
 * agents can log more than Ballast reads; policies are strict (unknown fields rejected) because a
 * mistyped condition must never silently widen or disable a rule.
 */
public final class EventJson {

    /**
     * Lenient mapper for events (unknown fields ignored); also used to write every Ballast output.
     * Lenient about fields, not about types: see {@link #base()}.
     */
    public static final ObjectMapper LENIENT = base()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Strict mapper for policies: unknown fields and trailing garbage are errors. */
    public static final ObjectMapper STRICT = base()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /**
     * Deepest nesting of objects and arrays accepted in any record, counted from the record itself.
     * Far beyond any event's shape; it bounds the parser's stack on hostile input.
     */
    public static final int MAX_NESTING_DEPTH = 64;

    /** Longest number literal accepted, in characters: a double needs at most 24. */
    public static final int MAX_NUMBER_LENGTH = 100;

    /** Reason text for a record over the intake's {@code max.record.bytes}; the metrics key on it. */
    public static final String TOO_LARGE = "more than max.record.bytes";

    /** Reason text for a record with the same key twice in one object; the metrics key on it. */
    public static final String DUPLICATE_FIELD = "duplicate field";

    /** Reason text for a record nested deeper than {@link #MAX_NESTING_DEPTH}; the metrics key on it. */
    public static final String TOO_DEEP = "nested deeper than";

    /** Reason text for a number longer than {@link #MAX_NUMBER_LENGTH}; the metrics key on it. */
    public static final String NUMBER_TOO_LONG = "number longer than";

    private static final Pattern SOURCE_LOCATION =
            Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

    /*
     * A reader made once per type holds its root deserializer, which mapper.readValue finds anew for
     * every record (a type lookup and a cache read: about 1.3% of the monitor's stream thread).
     */
    private static final ClassValue<ObjectReader> LENIENT_READERS = readers(LENIENT);
    private static final ClassValue<ObjectReader> STRICT_READERS = readers(STRICT);

    private EventJson() {
    }

    private static ClassValue<ObjectReader> readers(ObjectMapper mapper) {
        return new ClassValue<>() {
            @Override
            protected ObjectReader computeValue(Class<?> type) {
                return mapper.readerFor(type);
            }
        };
    }

    private static ObjectReader readerOf(ObjectMapper mapper, Class<?> type) {
        return mapper == LENIENT ? LENIENT_READERS.get(type)
                : mapper == STRICT ? STRICT_READERS.get(type) : mapper.readerFor(type);
    }

    private static JsonMapper.Builder base() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                // A key given twice is ambiguous (which one did the agent mean?), so it is refused
                // rather than silently resolved to the last one.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("ballast-time")
                        .addDeserializer(Instant.class, new IsoInstantDeserializer()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // A value of the wrong JSON type is refused, not converted: Jackson would read a round
                // of 2.7 as round 2 and a reward of "" as no reward (the agent's pay silently dropped),
                // and a policy version of 2.5 or "2" as version 2, replacing it.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // Nor is true an id or a text: "groupId":true was group "true", joining every agent
                // whose logger wrote the same. Numbers still read as text (an id of 42 is "42").
                .withCoercionConfig(LogicalType.Textual,
                        c -> c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /** Reads an interaction leniently and checks its required fields. */
    public static Decoded<Interaction> readInteraction(byte[] bytes) {
        return read(LENIENT, bytes, Interaction.class, i -> String.join("; ", i.problems()));
    }

    /** Reads a fine-tuning candidate leniently and checks its required fields. */
    public static Decoded<Candidate> readCandidate(byte[] bytes) {
        return read(LENIENT, bytes, Candidate.class, c -> String.join("; ", c.problems()));
    }

    /** Reads a preference pair leniently and checks its required fields. */
    public static Decoded<PreferencePair> readPreferencePair(byte[] bytes) {
        return read(LENIENT, bytes, PreferencePair.class, p -> String.join("; ", p.problems()));
    }

    /** Reads a re-alignment job leniently and checks its required fields. */
    public static Decoded<RealignJob> readRealignJob(byte[] bytes) {
        return read(LENIENT, bytes, RealignJob.class, j -> String.join("; ", j.problems()));
    }

    /** Reads a triage decision leniently and checks its required fields. */
    public static Decoded<TriageDecision> readTriageDecision(byte[] bytes) {
        return read(LENIENT, bytes, TriageDecision.class, d -> String.join("; ", d.problems()));
    }

    /** Reads an alert leniently and checks its required fields. */
    public static Decoded<Alert> readAlert(byte[] bytes) {
        return read(LENIENT, bytes, Alert.class, a -> String.join("; ", a.problems()));
    }

    /** Reads a scored candidate leniently and checks its required fields. */
    public static Decoded<ScoredCandidate> readScoredCandidate(byte[] bytes) {
        return read(LENIENT, bytes, ScoredCandidate.class, c -> String.join("; ", c.problems()));
    }

    /** Reads a policy strictly; semantic checks (regexes, limits) belong to the policy engine. */
    public static Decoded<Policy> readPolicy(byte[] bytes) {
        return read(STRICT, bytes, Policy.class, p -> "");
    }

    /**
     * Reads {@code bytes} as {@code type}; a non-empty string from {@code problems} rejects the
     * value.
     */
    public static <T> Decoded<T> read(ObjectMapper mapper, byte[] bytes, Class<T> type,
                                      Function<T, String> problems) {
        if (bytes == null || bytes.length == 0) {
            return Decoded.rejected("value: empty record");
        }
        String notText = encodingProblem(bytes);
        if (notText != null) {
            return Decoded.rejected(notText);
        }
        ObjectReader reader = readerOf(mapper, type);
        try (JsonParser parser = reader.createParser(bytes)) {
            T value;
            try {
                value = reader.readValue(parser);
            } catch (JsonProcessingException e) {
                // Described before the parser closes: a closed parser no longer tells the JSON
                // type of the value at fault ("got text").
                return Decoded.rejected(describe(e));
            }
            if (value == null) {
                return Decoded.rejected("value: JSON null");
            }
            String problem = problems.apply(value);
            return problem.isEmpty() ? Decoded.ok(value) : Decoded.rejected(problem);
        } catch (IOException e) {
            return Decoded.rejected("value: unreadable: " + e.getMessage());
        }
    }

    /**
     * Why the record's bytes are not UTF-8 text that Jackson reads as it should, or null: it opens
     * as UTF-16 or UTF-32 does, or it holds half a UTF-16 surrogate pair. Jackson would guess the
     * first and accept the second.
     */
    private static String encodingProblem(byte[] bytes) {
        if (startsAsWideText(bytes)) {
            String start = bytes.length == 1 ? String.format("byte %02X", bytes[0])
                    : String.format("bytes %02X %02X", bytes[0], bytes[1]);
            return "value: Invalid UTF-8: starts with " + start + ", as UTF-16 or UTF-32 text does; records must be "
                    + "UTF-8";
        }
        return halfSurrogatePair(bytes);
    }

    /**
     * Whether a record opens the way UTF-16 or UTF-32 text does: a zero among its first two bytes,
     * or a 0xFE/0xFF byte order mark. No UTF-8 JSON value starts so, but Jackson, reading bytes,
     * would take the record for UTF-16 or UTF-32: a record of broken bytes was reported as an
     * unrecognised token in Chinese characters, and wide-encoded JSON would have been accepted.
     */
    private static boolean startsAsWideText(byte[] bytes) {
        byte first = bytes[0];
        return first == 0 || first == (byte) 0xFE || first == (byte) 0xFF || bytes.length > 1 && bytes[1] == 0;
    }

    /**
     * Why the record holds half of a UTF-16 surrogate pair, or null if it holds none: a string
     * escape of one half without the other ({@code "\\ud800"}, valid JSON grammar but no Unicode
     * text), or the three UTF-8 bytes of one ({@code ED A0 80}, which UTF-8 forbids). Jackson
     * accepts both, and such a string, once it reached an output, made the replay's UTF-8 writer
     * fail on the whole output. A pair escaped in full ({@code "\\ud83d\\ude00"}, as Python's
     * json.dumps writes emoji) is text and accepted.
     */
    static String halfSurrogatePair(byte[] b) {
        for (int i = nextBackslashOrEd(b, 0); i < b.length; i = nextBackslashOrEd(b, i + 1)) {
            if (b[i] == (byte) 0xED) {
                if (i + 1 < b.length && (b[i + 1] & 0xE0) == 0xA0) {
                    return String.format("value: Invalid UTF-8: bytes that encode half of a UTF-16 surrogate pair, "
                            + "which UTF-8 does not allow (got ED %02X at byte %d)", b[i + 1], i);
                }
                continue;
            }
            if (i + 1 >= b.length) {
                continue;
            }
            if (b[i + 1] != 'u') {
                i++; // an escaped character, which may be a backslash
                continue;
            }
            int unit = hex4(b, i + 2);
            boolean high = unit >= 0xD800 && unit <= 0xDBFF;
            int next = high && i + 7 < b.length && b[i + 6] == '\\' && b[i + 7] == 'u' ? hex4(b, i + 8) : -1;
            if (high && next >= 0xDC00 && next <= 0xDFFF) {
                i += 11;
            } else if (high || unit >= 0xDC00 && unit <= 0xDFFF) {
                return String.format("value: a string escape of half a UTF-16 surrogate pair without its other "
                        + "half; strings must be Unicode text (got '\\u%04X' at byte %d)", unit, i);
            } else {
                i += 1;
            }
        }
        return null;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long EACH_BYTE_1 = 0x0101010101010101L;
    private static final long EACH_BYTE_HIGH_BIT = 0x8080808080808080L;

    /**
     * The first backslash or 0xED byte at or after {@code from}, or the length if there is none.
     * Nearly every record holds few of either, so it skips eight bytes at a time: on simulator
     * interactions (about 500 bytes, 6 backslashes each) the check took 220-500 ns a record
     * instead of 380-700 byte by byte, out of about 2 us for the whole decoding.
     */
    private static int nextBackslashOrEd(byte[] b, int from) {
        int i = from;
        while (i + Long.BYTES <= b.length && !holdsBackslashOrEd((long) LONGS.get(b, i))) {
            i += Long.BYTES;
        }
        while (i < b.length && b[i] != '\\' && b[i] != (byte) 0xED) {
            i++;
        }
        return i;
    }

    /** Whether one of the eight bytes of {@code word} is a backslash or 0xED (a zero byte after XOR with it). */
    private static boolean holdsBackslashOrEd(long word) {
        long backslash = word ^ (EACH_BYTE_1 * '\\');
        long ed = word ^ (EACH_BYTE_1 * 0xED);
        return (((backslash - EACH_BYTE_1) & ~backslash | (ed - EACH_BYTE_1) & ~ed) & EACH_BYTE_HIGH_BIT) != 0;
    }

    /** The four hex digits at {@code from} as a number, or -1 if there are not four there. */
    static int hex4(byte[] b, int from) {
        if (from + 4 > b.length) {
            return -1;
        }
        int value = 0;
        for (int k = from; k < from + 4; k++) {
            int digit = Character.digit(b[k], 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /**
     * Reads JSON that Ballast itself stored (a state store's value, a held record); {@code what}
     * names it in the error. Unreadable stored JSON is a bug or a layout change, not bad input, so
     * it is thrown rather than dead-lettered.
     */
    public static <T> T readStored(byte[] bytes, Class<T> type, String what) {
        try {
            return LENIENT.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " (first byte " + (bytes.length == 0 ? "none" : bytes[0])
                    + ") is not readable by this version", e);
        }
    }

    /** Serialises any Ballast record as compact JSON. */
    public static byte[] write(Object value) {
        try {
            return LENIENT.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Serialises any Ballast record as one line of JSON text. */
    public static String writeString(Object value) {
        try {
            return LENIENT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Turns a Jackson failure into "field.path: what is wrong". */
    public static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", ", " (known: ", ")"));
            return path(u) + ": unknown field" + known;
        }
        if (e instanceof InvalidFormatException f) {
            if (f.getTargetType() == Instant.class) {
                String message = f.getOriginalMessage();
                if (message != null && message.endsWith(IsoInstantDeserializer.NUMBER)) {
                    return path(f) + ": not ISO-8601 but a number, which could be epoch seconds or milliseconds; "
                            + "write it as text with a zone, e.g. 2026-01-05T10:00:00Z (got '" + f.getValue() + "')";
                }
                return path(f) + (message != null && message.endsWith(IsoInstantDeserializer.OUT_OF_RANGE)
                        ? ": out of range, must be from " + IsoInstantDeserializer.EARLIEST + " to "
                                + IsoInstantDeserializer.LATEST
                        : ": not ISO-8601") + " (got '" + f.getValue() + "')";
            }
            if (f.getTargetType() != null && f.getTargetType().isEnum()) {
                // Spelt as JSON writes them: severities are lower case, alert types and truth kinds are not.
                String names = java.util.Arrays.stream(f.getTargetType().getEnumConstants())
                        .map(c -> LENIENT.convertValue(c, String.class)).collect(Collectors.joining(", ", "[", "]"));
                return path(f) + ": must be one of " + names + " (got '" + f.getValue() + "')";
            }
            // A JSON true is not the text 'true': quoted, the reason would send the user looking for a string.
            String given = f.getValue() instanceof Boolean ? String.valueOf(f.getValue()) : "'" + f.getValue() + "'";
            return path(f) + ": expected " + simpleType(f.getTargetType()) + " (got " + given + ")";
        }
        if (e instanceof MismatchedInputException m) {
            if (m.getPath().isEmpty()) {
                // Two records run together on one line (a lost line break) are objects too.
                String message = m.getOriginalMessage();
                return message != null && message.startsWith("Trailing token")
                        ? "value: not valid JSON: more than one JSON value on the line; records are one per line"
                        : "value: expected a JSON object";
            }
            if (m.getTargetType() == Instant.class) {
                return path(m) + ": not ISO-8601";
            }
            return path(m) + ": expected " + simpleType(m.getTargetType()) + given(m);
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            return path(m) + ": " + firstLine(m.getOriginalMessage());
        }
        if (e instanceof StreamConstraintsException c) {
            return limitExceeded(c);
        }
        String message = firstLine(e.getOriginalMessage());
        if (message.startsWith("Duplicate field")) {
            return "value: " + DUPLICATE_FIELD + message.substring("Duplicate field".length());
        }
        return "value: not valid JSON: " + message;
    }

    private static String limitExceeded(StreamConstraintsException c) {
        String message = c.getOriginalMessage() == null ? "" : c.getOriginalMessage();
        if (message.contains("nesting depth")) {
            return "value: " + TOO_DEEP + " " + MAX_NESTING_DEPTH + " levels of objects and arrays";
        }
        if (message.contains("Number value length") || message.contains("number value length")) {
            return "value: " + NUMBER_TOO_LONG + " " + MAX_NUMBER_LENGTH + " characters";
        }
        return "value: beyond the parser's limits: " + firstLine(message);
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "value" : sb.toString();
    }

    /** The JSON type of the value a mismatch was found at, e.g. " (got text)", or "". */
    private static String given(MismatchedInputException m) {
        if (!(m.getProcessor() instanceof JsonParser parser)) {
            return "";
        }
        JsonToken token = parser.currentToken();
        if (token == null) {
            return "";
        }
        return switch (token) {
            case VALUE_STRING -> " (got text)";
            case VALUE_TRUE, VALUE_FALSE -> " (got " + token.asString() + ")";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> " (got a number)";
            case START_ARRAY -> " (got an array)";
            case START_OBJECT -> " (got an object)";
            default -> "";
        };
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    /**
     * The first line of a Jackson message, its source locations shortened to "line L, column C":
     * Jackson writes them as {@code [Source: REDACTED (`StreamReadFeature...` disabled); line: 1, column: 11]}.
     */
    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String first = nl < 0 ? message : message.substring(0, nl);
        return SOURCE_LOCATION.matcher(first).replaceAll("line $1, column $2");
    }
}
