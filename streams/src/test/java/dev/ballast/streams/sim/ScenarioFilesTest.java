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
        Path file = write("{\"agents\":[{\"agentId\":\"bot-1\",\"kind\":\"DRIFT\",\"changeRound\":80}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.readTruth(file));
        assertEquals("ground truth " + file + ": agent bot-1 is DRIFT but has no changeEventId (the eventId of its "
                + "first changed interaction)", e.getMessage());
    }

    @Test
    void refusesAnAgentWithoutAKind() throws IOException {
        Path file = write("{\"agents\":[{\"agentId\":\"bot-1\"}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.readTruth(file));
        assertEquals("ground truth " + file + ": agents[0] needs an agentId and a kind (["
                + "STABLE, TIPPING, DRIFT, POLICY_SENSITIVE])", e.getMessage());
    }

    @Test
    void aMisspeltKindOrBrokenJsonIsNamedByFieldAndPosition() throws IOException {
        Path misspelt = write("{\"agents\":[{\"agentId\":\"a\",\"kind\":\"TIPPNG\"}]}");
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.readTruth(misspelt));
        assertEquals("ground truth " + misspelt + ": agents[0].kind: must be one of [STABLE, TIPPING, DRIFT, "
                + "POLICY_SENSITIVE] (got 'TIPPNG') (line 1, column 34)", kind.getMessage());

        Path truncated = write("{\"agents\":[\n");
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> ScenarioFiles.readTruth(truncated));
        assertEquals("ground truth " + truncated + ": agents: Unexpected end-of-input: expected close marker for Array "
                + "(start marker at line 1, column 11) (line 2, column 1)", broken.getMessage());
    }

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("truth.json"), json);
    }
}
