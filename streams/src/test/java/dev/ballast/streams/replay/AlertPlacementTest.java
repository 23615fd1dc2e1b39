package dev.ballast.streams.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.policy.PolicyEngine;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second read of a replay's input places alerts and change events where a full in-memory
 * index of every event would, and plots what judging the agents' own events gives.
 */
class AlertPlacementTest {
    @TempDir
    Path dir;

    @Test
    void placesWhatAFullIndexWouldAndKeepsNoOtherEvent() throws IOException {
        Scenario s = new Simulator(ScenarioSpec.defaults(40, 200, 7)).generate();
        ScenarioFiles.write(s, dir);
        // A re-sent interaction (an at-least-once producer's retry, right after the original) takes
        // no position in either.
        List<String> lines = new ArrayList<>(s.interactionLines());
        int original = lines.size() / 2;
        lines.add(original + 1, lines.get(original));
        Files.write(dir.resolve(ReplayInputs.INTERACTIONS), lines, StandardCharsets.UTF_8);
        OfflineRun.Result full = OfflineRun.run(s.policyLines(), lines,
                new AgentMonitor(BallastConfig.defaults().monitorSettings()), BallastConfig.defaults().diffusion());
        Set<String> changes = s.truth().agents().stream().map(GroundTruth.AgentTruth::changeEventId)
                .filter(Objects::nonNull).collect(Collectors.toSet());
        assertFalse(full.alerts().isEmpty());
        assertFalse(changes.isEmpty());

        AlertPlacement placed = AlertPlacement.read(ReplayInputs.read(dir), full.alerts(), changes, 1 << 20);

        for (Alert a : full.alerts()) {
            assertEquals(full.positions().position(a.triggerEventId()), placed.positions().position(a.triggerEventId()));
        }
        for (String change : changes) {
            assertEquals(full.positions().position(change), placed.positions().position(change));
        }
        for (GroundTruth.AgentTruth agent : s.truth().agents()) {
            assertEquals(full.positions().eventCount(agent.agentId()), placed.positions().eventCount(agent.agentId()));
        }
        assertEquals(full.positions().agents(), placed.positions().agents());
        String unasked = valid(s.interactionLines()).stream().map(Interaction::eventId)
                .filter(id -> !changes.contains(id) && full.alerts().stream().noneMatch(a -> a.triggerEventId().equals(id)))
                .findFirst().orElseThrow();
        assertTrue(full.positions().position(unasked) >= 0);
        assertEquals(-1, placed.positions().position(unasked), "an event no one asks about is not kept");

        Map<String, boolean[]> plotted = placed.timelines().flags();
        assertFalse(plotted.isEmpty());
        assertTrue(plotted.size() <= ReportWriter.PLOTTED_AGENTS);
        String first = full.alerts().stream().filter(a -> a.type() == AlertType.TIPPING || a.type() == AlertType.DRIFT)
                .findFirst().orElseThrow().agentId();
        assertEquals(first, plotted.keySet().iterator().next(), "the earliest alerted agent is plotted first");
        PolicyEngine engine = OfflineRun.policies(s.policyLines());
        plotted.forEach((agentId, flags) -> {
            List<Interaction> own = valid(s.interactionLines()).stream().filter(i -> i.agentId().equals(agentId))
                    .toList();
            boolean[] expected = new boolean[own.size()];
            for (int i = 0; i < own.size(); i++) {
                expected[i] = engine.evaluate(own.get(i)).violation();
            }
            assertArrayEquals(expected, flags, agentId);
        });
    }

    /** The interactions the monitor judges: the simulator writes some broken lines too. */
    private static List<Interaction> valid(List<String> lines) {
        List<Interaction> out = new ArrayList<>();
        for (String line : lines) {
            if (EventJson.readInteraction(line.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<Interaction> ok) {
                out.add(ok.value());
            }
        }
        return out;
    }
}
