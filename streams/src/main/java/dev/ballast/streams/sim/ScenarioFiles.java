package dev.ballast.streams.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ballast.events.EventJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reads and writes scenarios in the replay layout: {@code policies.jsonl}, {@code interactions.jsonl}, {@code candidates.jsonl}, {@code preferences.jsonl}, {@code truth.json}. */
public final class ScenarioFiles {
    public static final String TRUTH = "truth.json";

    private ScenarioFiles() {
    }

    public static void write(Scenario scenario, Path dir) {
        try {
            Files.createDirectories(dir);
            writeLines(dir.resolve("policies.jsonl"), scenario.policyLines());
            writeLines(dir.resolve("interactions.jsonl"), scenario.interactionLines());
            writeOptional(dir.resolve(CandidateSimulation.FILE), scenario.candidateLines());
            writeOptional(dir.resolve(PreferenceSimulation.FILE), scenario.preferenceLines());
            Files.writeString(dir.resolve(TRUTH),
                    EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(scenario.truth()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write scenario to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads ground truth and checks what scoring needs of each agent: an id, a kind and, unless it
     * is STABLE, the eventId of its first changed interaction (rounds are the simulator's own and
     * not needed).
     *
     * @throws IllegalArgumentException naming the first entry that lacks one, and what to add
     */
    public static GroundTruth readTruth(Path file) {
        GroundTruth truth;
        try {
            truth = EventJson.LENIENT.readValue(file.toFile(), GroundTruth.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("ground truth " + file + ": " + problem(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ground truth " + file + ": " + e.getMessage(), e);
        }
        List<GroundTruth.AgentTruth> agents = truth.agents() == null ? List.of() : truth.agents();
        for (int i = 0; i < agents.size(); i++) {
            GroundTruth.AgentTruth agent = agents.get(i);
            if (agent == null || agent.agentId() == null || agent.kind() == null) {
                throw new IllegalArgumentException("ground truth " + file + ": agents[" + i + "] needs an agentId and "
                        + "a kind (" + Arrays.toString(AgentKind.values()) + ")");
            }
            if (agent.kind() != AgentKind.STABLE && agent.changeEventId() == null) {
                throw new IllegalArgumentException("ground truth " + file + ": agent " + agent.agentId() + " is "
                        + agent.kind() + " but has no changeEventId (the eventId of its first changed interaction)");
            }
        }
        return truth;
    }

    /** What is wrong with a truth file, by field and position: Jackson's own message names classes and its source. */
    private static String problem(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return EventJson.describe(e) + where;
    }

    private static void writeOptional(Path file, List<String> lines) throws IOException {
        if (!lines.isEmpty()) {
            writeLines(file, lines);
        } else {
            // A directory reused for a scenario without these inputs must not replay stale ones.
            Files.deleteIfExists(file);
        }
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
