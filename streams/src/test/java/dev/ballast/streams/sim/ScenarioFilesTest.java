package dev.ballast.streams.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("truth.json"), json);
    }
}
