package dev.ballast.streams.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsTruthThatNamesOnlyEachAgentsKindAndChangedEvent() throws IOException {
        Path file = write("{\"agents\":[{\"agentId\":\"bot-1\",\"kind\":\"TIPPING\",\"changeEventId\":\"bot-1-e80\"},"
                + "{\"agentId\":\"bot-2\",\"kind\":\"STABLE\"}]}");
        GroundTruth truth = ScenarioFiles.readTruth(file);
        assertEquals("bot-1-e80", truth.agents().get(0).changeEventId());
        assertEquals(null, truth.agents().get(0).changeRound());
    }

    @Test
    void refusesAChangedAgentWithoutItsChangedEventSayingWhatToAdd() throws IOException {
        assertEquals("agent bot-1 is DRIFT but has no changeEventId (the eventId of its first changed interaction)",
                refusal("{\"agents\":[{\"agentId\":\"bot-1\",\"kind\":\"DRIFT\",\"changeRound\":80}]}"));
    }

    @Test
    void refusesAnAgentWithoutAKind() throws IOException {
        assertEquals("agents[0] needs an agentId and a kind ([STABLE, TIPPING, DRIFT, POLICY_SENSITIVE])",
                refusal("{\"agents\":[{\"agentId\":\"bot-1\"}]}"));
    }

    @Test
    void aMisspeltKindOrBrokenJsonIsNamedByFieldAndPosition() throws IOException {
        assertEquals("agents[0].kind: must be one of [STABLE, TIPPING, DRIFT, POLICY_SENSITIVE] (got 'TIPPNG') "
                + "(line 1, column 34)", refusal("{\"agents\":[{\"agentId\":\"a\",\"kind\":\"TIPPNG\"}]}"));
        assertEquals("agents: Unexpected end-of-input: expected close marker for Array (start marker at line 1, "
                + "column 11) (line 2, column 1)", refusal("{\"agents\":[\n"));
    }

    /** Why {@code json} is refused as ground truth, after the "ground truth FILE: " that starts every refusal. */
    private String refusal(String json) throws IOException {
        Path file = write(json);
        String message = assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.readTruth(file)).getMessage();
        String prefix = "ground truth " + file + ": ";
        assertTrue(message.startsWith(prefix), message);
        return message.substring(prefix.length());
    }

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("truth.json"), json);
    }
}
