package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.events.EventJson;
import dev.ballast.events.GateDecision;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.DeadLetterLine;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One interaction, one candidate and one preference pair of exactly {@code max.record.bytes}, and
 * one of each a byte over, among ordinary lines. Every record the intake accepts must fit wherever
 * the pipeline carries it (a candidate's score carries its text, a waiting candidate is stored
 * whole and its changelog written): the ones at the limit are judged, scored and decided, and
 * triaged like any other, and only the ones over it are dead-lettered. Before, a candidate at the
 * limit stopped the whole run: paired with its score it was twice the limit on an internal topic.
 */
class RecordsAtTheSizeLimitTest {
    private static final int LIMIT = BallastConfig.defaults().maxRecordBytes();

    @Test
    void recordsAtTheLimitAreProcessedAndOnlyLargerOnesAreDeadLettered(@TempDir Path dir) throws Exception {
        Scenario scenario = new Simulator(ScenarioSpec.defaults(4, 100, 31)
                .withCandidates(new CandidateSpec(20, 0.05, 0.04, 0, 0))
                .withPreferences(new PreferenceSpec(20, 0.5, 0))).generate();
        ScenarioFiles.write(scenario, dir);
        append(dir.resolve(ReplayInputs.INTERACTIONS), scenario.interactionLines().get(0), "eventId", "response");
        append(dir.resolve(ReplayInputs.CANDIDATES), scenario.candidateLines().get(0), "sampleId", "response");
        append(dir.resolve(ReplayInputs.PREFERENCES), scenario.preferenceLines().get(0), "pairId", "chosen");
        // An id that long would make the record's key as large as its value: refused for its length.
        Files.writeString(dir.resolve(ReplayInputs.CANDIDATES), "{\"sampleId\":\"" + "s".repeat(700_000)
                + "\",\"datasetId\":\"d\",\"prompt\":\"p\",\"response\":\"r\"}\n", StandardOpenOption.APPEND);

        ReplayRunner.Result result = new ReplayRunner(BallastConfig.defaults(),
                new PrintStream(OutputStream.nullOutputStream()))
                .run(ReplayInputs.read(dir), new BallastMetrics(new SimpleMeterRegistry()));

        List<DeadLetterLine> tooLarge = result.deadLetters().stream()
                .filter(d -> d.error().contains(EventJson.TOO_LARGE)).toList();
        assertEquals(3, tooLarge.size(), "one over the limit per input: " + tooLarge);
        assertEquals(List.of(), result.deadLetters().stream().filter(d -> d.value().contains("-at-limit")).toList(),
                "nothing at the limit is dead-lettered");
        assertEquals(4L * 100 + 1, result.summary().interactions(), "the interaction at the limit is judged");
        assertEquals(1, result.deadLetters().stream()
                .filter(d -> d.error().equals("sampleId: longer than 1024 characters (got 700000)")).count());

        GateDecision atLimit = result.gateDecisions().stream().filter(d -> d.sampleId().endsWith("-at-limit"))
                .findFirst().orElseThrow(() -> new AssertionError("the candidate at the limit was not decided"));
        assertNotNull(atLimit.gradNorm(), "scored, not released unscored: " + atLimit);
        assertEquals(20 + 1, result.gateDecisions().size(), "every readable candidate decided once");
        assertTrue(result.triage().stream().anyMatch(t -> t.pairId().endsWith("-at-limit")),
                "the pair at the limit is triaged");
    }

    /**
     * {@code line} twice more, with its id marked and {@code field} padded so that the line is
     * exactly {@link #LIMIT} bytes, then one byte more.
     */
    private static void append(Path file, String line, String idField, String field) throws Exception {
        StringBuilder out = new StringBuilder();
        for (int extra : new int[]{0, 1}) {
            ObjectNode node = (ObjectNode) EventJson.LENIENT.readTree(line);
            node.put(idField, node.get(idField).asText() + (extra == 0 ? "-at-limit" : "-over-limit"));
            int size = EventJson.LENIENT.writeValueAsBytes(node).length;
            node.put(field, node.get(field).asText() + "x".repeat(LIMIT + extra - size));
            String padded = EventJson.LENIENT.writeValueAsString(node);
            assertEquals(LIMIT + extra, padded.getBytes(StandardCharsets.UTF_8).length);
            out.append(padded).append('\n');
        }
        Files.writeString(file, out, StandardOpenOption.APPEND);
    }
}
