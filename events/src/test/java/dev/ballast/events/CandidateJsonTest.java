package dev.ballast.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CandidateJsonTest {
    @Test
    void readsACandidateIgnoringUnknownFields() {
        Decoded<Candidate> d = EventJson.readCandidate(("{\"sampleId\":\"s1\",\"datasetId\":\"d\",\"prompt\":\"p\","
                + "\"response\":\"\",\"extra\":[1,2]}").getBytes(StandardCharsets.UTF_8));
        Candidate c = (Candidate) assertInstanceOf(Decoded.Ok.class, d).value();
        assertEquals("s1", c.sampleId());
        assertEquals("", c.response());
        assertEquals(null, c.timestamp());
    }

    @Test
    void anOptionalTimestampSurvivesScoring() {
        Decoded<Candidate> d = EventJson.readCandidate(("{\"sampleId\":\"s1\",\"datasetId\":\"d\",\"prompt\":\"p\","
                + "\"response\":\"r\",\"timestamp\":\"2026-03-01T10:00:00Z\"}").getBytes(StandardCharsets.UTF_8));
        Candidate c = (Candidate) assertInstanceOf(Decoded.Ok.class, d).value();
        assertEquals(Instant.parse("2026-03-01T10:00:00Z"), c.timestamp());
        ScoredCandidate scored = ScoredCandidate.of(c, 1.5, 2.0, "m1");
        Decoded<ScoredCandidate> back = EventJson.readScoredCandidate(EventJson.write(scored));
        assertEquals(scored, assertInstanceOf(Decoded.Ok.class, back).value());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"datasetId\":\"d\",\"prompt\":\"p\",\"response\":\"r\"}|sampleId: required",
        "{\"sampleId\":\"s\",\"prompt\":\"p\",\"response\":\"r\"}|datasetId: required",
        "{\"sampleId\":\"s\",\"datasetId\":\"d\",\"response\":\"r\"}|prompt: required (may be empty)",
        "{\"sampleId\":\"s\",\"datasetId\":\"d\",\"prompt\":\"p\",\"response\":{\"x\":1}}|response: expected a string (got an object)",
        "[1,2]|value: expected a JSON object",
    })
    void rejectsWithAFieldLevelReason(String json, String reason) {
        Decoded<Candidate> d = EventJson.readCandidate(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(reason, assertInstanceOf(Decoded.Rejected.class, d).reason());
    }

    @Test
    void scoredCandidateNeedsAModelVersion() {
        Decoded<ScoredCandidate> d = EventJson.readScoredCandidate(("{\"sampleId\":\"s\",\"datasetId\":\"d\","
                + "\"gradNorm\":1.5}").getBytes(StandardCharsets.UTF_8));
        assertEquals("modelVersion: required", assertInstanceOf(Decoded.Rejected.class, d).reason());
    }
}
