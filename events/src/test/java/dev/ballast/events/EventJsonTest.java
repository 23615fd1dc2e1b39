package dev.ballast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventJsonTest {
    private static Decoded<Interaction> interaction(String json) {
        return EventJson.readInteraction(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(Decoded<?> decoded) {
        return assertInstanceOf(Decoded.Rejected.class, decoded).reason();
    }

    @Test
    void readsAnInteractionAndIgnoresUnknownFields() {
        Decoded<Interaction> d = interaction("{\"eventId\":\"e1\",\"agentId\":\"a1\",\"timestamp\":\"2026-01-05T10:00:00Z\","
                + "\"reward\":2.5,\"action\":{\"type\":\"choice\",\"name\":\"x\"},\"somethingNew\":{\"deep\":1},"
                + "\"labels\":{\"violation\":true}}");
        Interaction i = assertInstanceOf(Decoded.Ok.class, d).value() instanceof Interaction in ? in : null;
        assertEquals("a1", i.agentId());
        assertEquals(Instant.parse("2026-01-05T10:00:00Z"), i.timestamp());
        assertEquals(2.5, i.reward());
        assertTrue(i.judgedViolation());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"yesterday\"}|timestamp: not ISO-8601 (got 'yesterday')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":1767607200000}|timestamp: not ISO-8601 but a number, which could be epoch seconds or milliseconds; write it as text with a zone, e.g. 2026-01-05T10:00:00Z (got '1767607200000')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":1.7676072E9}|timestamp: not ISO-8601 but a number, which could be epoch seconds or milliseconds; write it as text with a zone, e.g. 2026-01-05T10:00:00Z (got '1.7676072E9')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":true}|timestamp: not ISO-8601",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"+999999999-12-31T23:59:59Z\"}|timestamp: out of range, must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z (got '+999999999-12-31T23:59:59Z')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"1969-12-31T23:59:59Z\"}|timestamp: out of range, must be from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z (got '1969-12-31T23:59:59Z')",
        "{\"eventId\":\"e\",\"timestamp\":\"2026-01-05T10:00:00Z\"}|agentId: required",
        "{\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}|eventId: required",
        "{\"eventId\":\"e\",\"agentId\":\"a\"}|timestamp: required (ISO-8601 UTC, e.g. 2026-01-01T00:00:00Z)",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"reward\":\"lots\"}|reward: expected a number (got text)",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"observedAgents\":\"b\"}|observedAgents: expected an array (got text)",
        "{\"eventId\":\"e\",\"agentId\":\"a\\u0000b\",\"timestamp\":\"2026-01-05T10:00:00Z\"}|agentId: must not contain control characters (got 'a\\u0000b')",
        "{\"eventId\":\"e\\n\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}|eventId: must not contain control characters (got 'e\\u000a')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"groupId\":\"g\\u0000x\"}|groupId: must not contain control characters (got 'g\\u0000x')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"observedAgents\":[\"b\",\"c\\t\"]}|observedAgents[1]: must not contain control characters (got 'c\\u0009')",
        // Values of the wrong JSON type are refused, not converted: a round of 2.7 is not round 2, a reward of "" is not
        // a missing reward, and the judge's 1 is not its verdict.
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"round\":2.7}|round: expected a whole number (got '2.7')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"round\":\"3\"}|round: expected a whole number (got text)",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"reward\":\"12.5\"}|reward: expected a number (got text)",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"reward\":\"\"}|reward: expected a number (got '')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"labels\":{\"violation\":1}}|labels.violation: expected true or false (got '1')",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"labels\":{\"violation\":\"true\"}}|labels.violation: expected true or false (got text)",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"groupId\":true}|groupId: expected a string (got true)",
        "{\"eventId\":false,\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}|eventId: expected a string (got false)",
        "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"response\":true}|response: expected a string (got true)",
        "[1,2]|value: expected a JSON object",
        "null|value: JSON null",
    })
    void rejectsWithAFieldLevelReason(String json, String expected) {
        assertEquals(expected, reason(interaction(json)));
    }

    @Test
    void anIdLongerThanTheLimitIsRefusedWithItsLengthNotItsText() {
        String at = "a".repeat(FieldProblems.MAX_ID_CHARS);
        String over = at + "a";
        String line = "{\"eventId\":\"e\",\"agentId\":\"%s\",\"timestamp\":\"2026-01-05T10:00:00Z\"}";
        assertInstanceOf(Decoded.Ok.class, interaction(line.formatted(at)), "an id of exactly the limit");
        assertEquals("agentId: longer than 1024 characters (got 1025)", reason(interaction(line.formatted(over))));
        assertEquals("sampleId: longer than 1024 characters (got 1025)", reason(EventJson.readCandidate(
                ("{\"sampleId\":\"" + over + "\",\"datasetId\":\"d\",\"prompt\":\"p\",\"response\":\"r\"}")
                        .getBytes(StandardCharsets.UTF_8))));
        // Names Ballast composes from ids (every policy in force, a job) may be longer than any one id.
        RealignJob job = new RealignJob("job-" + over, "ALERT_SURGE", List.of(), over + "@1," + over + "@2", "current",
                java.util.Map.of(), java.util.Map.of(), Instant.parse("2026-01-05T10:00:00Z"));
        assertEquals(List.of(), job.problems());
    }

    @Test
    void rejectsBrokenJsonAndEmptyRecords() {
        assertTrue(reason(interaction("{\"eventId\":\"e\",\"agentId\":\"a\",\"ti")).startsWith("value: not valid JSON"));
        assertTrue(reason(interaction("{} trailing")).startsWith("value: not valid JSON"));
        // Two records on one line: the first is an object, so "expected a JSON object" misled.
        assertEquals("value: not valid JSON: more than one JSON value on the line; records are one per line",
                reason(interaction("{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}"
                        + "{\"eventId\":\"f\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:01Z\"}")));
        assertEquals("value: not valid JSON: more than one JSON value on the line; records are one per line",
                reason(interaction("{} 5")));
        assertEquals("value: empty record", reason(EventJson.readInteraction(new byte[0])));
    }

    @Test
    void aRecordInAnotherEncodingThanUtf8IsInvalidUtf8NotAGuess() {
        String json = "{\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"}";
        for (java.nio.charset.Charset wide : List.of(StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
                StandardCharsets.UTF_16BE, java.nio.charset.Charset.forName("UTF-32"))) {
            String reason = reason(EventJson.readInteraction(json.getBytes(wide)));
            assertTrue(reason.startsWith("value: Invalid UTF-8: starts with bytes"), wide + ": " + reason);
        }
        byte[] broken = {(byte) 0xFF, (byte) 0xFE, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};
        assertEquals("value: Invalid UTF-8: starts with bytes FF FE, as UTF-16 or UTF-32 text does; records must be UTF-8",
                reason(EventJson.readInteraction(broken)));
        assertTrue(EventJson.readInteraction(("\uFEFF" + json).getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok,
                "a UTF-8 byte order mark is still UTF-8");
    }

    @Test
    void halfASurrogatePairIsRefusedAndAWholeOneIsText() {
        String head = "{\"eventId\":\"e\",\"timestamp\":\"2026-01-05T10:00:00Z\",\"agentId\":\"a";
        int at = head.length();
        assertEquals("value: a string escape of half a UTF-16 surrogate pair without its other half; strings must be "
                + "Unicode text (got '\\uD800' at byte " + at + ")", reason(interaction(head + "\\ud800b\"}")));
        assertTrue(reason(interaction(head + "\\uDC00\"}")).endsWith("(got '\\uDC00' at byte " + at + ")"));
        assertTrue(reason(interaction(head + "\\ud800\\u0041\"}")).endsWith("(got '\\uD800' at byte " + at + ")"),
                "a high half followed by another character");
        assertTrue(reason(interaction(head + "\\ud800")).endsWith("(got '\\uD800' at byte " + at + ")"), "cut after it");
        Interaction emoji = (Interaction) assertInstanceOf(Decoded.Ok.class, interaction(head + "\\ud83d\\ude00\"}")).value();
        assertEquals("a\uD83D\uDE00", emoji.agentId(), "a pair escaped in full, as Python's json.dumps writes it");
        Interaction backslash = (Interaction) assertInstanceOf(Decoded.Ok.class, interaction(head + "\\\\ud800\"}")).value();
        assertEquals("a\\ud800", backslash.agentId(), "an escaped backslash, then the letters ud800");

        byte[] cesu = java.util.Arrays.copyOf(head.getBytes(StandardCharsets.UTF_8), at + 5);
        cesu[at] = (byte) 0xED;
        cesu[at + 1] = (byte) 0xA0;
        cesu[at + 2] = (byte) 0x80;
        cesu[at + 3] = '"';
        cesu[at + 4] = '}';
        assertEquals("value: Invalid UTF-8: bytes that encode half of a UTF-16 surrogate pair, which UTF-8 does not "
                + "allow (got ED A0 at byte " + at + ")", reason(EventJson.readInteraction(cesu)));
        assertTrue(interaction(head + "\uD7FF\uD000\"}") instanceof Decoded.Ok, "ED 9F BF and ED 80 80 are characters");
    }

    /**
     * The scan skips eight bytes at a time where none can start a half pair; it must find what a
     * byte-by-byte scan finds, at the same byte, wherever the bytes fall relative to the words.
     */
    @Test
    void theWordAtATimeScanFindsWhatAByteByByteScanFinds() {
        byte[] alphabet = {'\\', 'u', 'd', 'D', '8', '0', 'c', 'e', 'f', 'x', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x9F,
                (byte) 0xB0, (byte) 0xC3};
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        int found = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] b = new byte[random.nextInt(40)];
            // Mostly plain text, as records are, with the bytes that matter sprinkled in.
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) ('a' + random.nextInt(20));
            }
            String expected = byteByByte(b);
            assertEquals(expected, EventJson.halfSurrogatePair(b), () -> java.util.HexFormat.ofDelimiter(" ").formatHex(b));
            found += expected == null ? 0 : 1;
        }
        assertTrue(found > 1_000, "the inputs hold half pairs often enough to compare: " + found);
    }

    private static String byteByByte(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == (byte) 0xED && i + 1 < b.length && (b[i + 1] & 0xE0) == 0xA0) {
                return String.format("value: Invalid UTF-8: bytes that encode half of a UTF-16 surrogate pair, which "
                        + "UTF-8 does not allow (got ED %02X at byte %d)", b[i + 1], i);
            }
            if (b[i] != '\\' || i + 1 >= b.length) {
                continue;
            }
            if (b[i + 1] != 'u') {
                i++; // an escaped character, which may be a backslash
                continue;
            }
            int unit = EventJson.hex4(b, i + 2);
            boolean high = unit >= 0xD800 && unit <= 0xDBFF;
            int next = high && i + 7 < b.length && b[i + 6] == '\\' && b[i + 7] == 'u' ? EventJson.hex4(b, i + 8) : -1;
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

    @Test
    void policiesAreStrictAboutUnknownKeys() {
        String policy = "{\"policyId\":\"p\",\"version\":1,\"effectiveAt\":\"2026-01-05T10:00:00Z\",\"rules\":[{\"id\":\"r\","
                + "\"severity\":\"high\",\"description\":\"d\",\"when\":{\"responseMatch\":\"x\"}}]}";
        String r = reason(EventJson.readPolicy(policy.getBytes(StandardCharsets.UTF_8)));
        assertTrue(r.startsWith("rules[0].when.responseMatch: unknown field (known: "), r);
        assertTrue(r.contains("responseMatches"), r);
    }

    @Test
    void policySeverityMustBeKnown() {
        String policy = "{\"policyId\":\"p\",\"version\":1,\"effectiveAt\":\"2026-01-05T10:00:00Z\",\"rules\":[{\"id\":\"r\","
                + "\"severity\":\"urgent\",\"description\":\"d\",\"when\":{\"actionTypes\":[\"x\"]}}]}";
        assertEquals("rules[0].severity: must be one of [low, medium, high, critical] (got 'urgent')",
                reason(EventJson.readPolicy(policy.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void policyNumbersAndFlagsAreNotCoerced() {
        // A version of 2.5 or "2" is a typo or a producer bug; truncated or parsed silently it would
        // replace version 2 (versions are keyed policyId:version).
        for (String version : new String[] {"2.5", "\"2\"", "true"}) {
            String policy = "{\"policyId\":\"p\",\"version\":" + version
                    + ",\"effectiveAt\":\"2026-01-05T10:00:00Z\",\"rules\":[{\"id\":\"r\","
                    + "\"severity\":\"high\",\"description\":\"d\",\"when\":{\"actionTypes\":[\"x\"]}}]}";
            String r = reason(EventJson.readPolicy(policy.getBytes(StandardCharsets.UTF_8)));
            assertTrue(r.startsWith("version: "), version + " -> " + r);
        }
        String flag = "{\"policyId\":\"p\",\"version\":1,\"effectiveAt\":\"2026-01-05T10:00:00Z\",\"rules\":[{\"id\":\"r\","
                + "\"severity\":\"high\",\"description\":\"d\",\"when\":{\"labelViolation\":\"yes\"}}]}";
        assertTrue(reason(EventJson.readPolicy(flag.getBytes(StandardCharsets.UTF_8)))
                .startsWith("rules[0].when.labelViolation: "));
    }

    @Test
    void storedJsonIsReadBackAndUnreadableStoredJsonIsThrownNamingIt() {
        Labels labels = new Labels(true, "c", "j");
        assertEquals(labels, EventJson.readStored(EventJson.write(labels), Labels.class, "held labels"));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> EventJson.readStored(new byte[]{7, 1}, Labels.class, "held labels"));
        assertEquals("held labels (first byte 7) is not readable by this version", e.getMessage());
    }

    @Test
    void serdeRoundTripsAnAlert() {
        Alert alert = new Alert("id", AlertType.TIPPING, "a", null, "e9", Instant.parse("2026-01-05T10:00:00Z"),
                Instant.parse("2026-01-05T10:00:01Z"), "bernoulli-cusum", 1.2, "p@1", java.util.Map.of("k", 1));
        JsonSerde<Alert> serde = JsonSerde.of(Alert.class);
        byte[] bytes = serde.serializer().serialize("t", alert);
        assertTrue(new String(bytes, StandardCharsets.UTF_8).contains("\"eventTimestamp\":\"2026-01-05T10:00:00Z\""));
        assertEquals(alert, serde.deserializer().deserialize("t", bytes));
    }

    private static final String VALID = "\"eventId\":\"e\",\"agentId\":\"a\",\"timestamp\":\"2026-01-05T10:00:00Z\"";

    @Test
    void refusesNestingBeyondTheLimitEvenInFieldsItDoesNotRead() {
        int depth = EventJson.MAX_NESTING_DEPTH;
        String fits = "{" + VALID + ",\"context\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
        assertInstanceOf(Decoded.Ok.class, interaction(fits));
        String deep = "{" + VALID + ",\"context\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertEquals("value: nested deeper than 64 levels of objects and arrays", reason(interaction(deep)));
    }

    @Test
    void refusesHugeNumbersAndNonFiniteRewards() {
        assertEquals("value: number longer than 100 characters",
                reason(interaction("{" + VALID + ",\"reward\":" + "9".repeat(5000) + "}")));
        assertEquals("value: number longer than 100 characters",
                reason(interaction("{" + VALID + ",\"unread\":" + "1".repeat(200) + ".5}")));
        assertEquals("reward: must be a finite number", reason(interaction("{" + VALID + ",\"reward\":1e999}")));
    }

    @Test
    void refusesDuplicateKeysInEventsAndPolicies() {
        assertEquals("value: duplicate field 'agentId'", reason(interaction("{" + VALID + ",\"agentId\":\"b\"}")));
        assertEquals("value: duplicate field 'x'", reason(interaction("{" + VALID + ",\"ctx\":{\"x\":1,\"x\":2}}")));
        String policy = "{\"policyId\":\"p\",\"policyId\":\"q\",\"version\":1,\"effectiveAt\":\"2026-01-05T10:00:00Z\",\"rules\":[]}";
        assertEquals("value: duplicate field 'policyId'",
                reason(EventJson.readPolicy(policy.getBytes(StandardCharsets.UTF_8))));
    }
}
