package dev.ballast.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.eval.DiffusionScorer;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group detection does not depend on how the interactions topic is partitioned: replays of one
 * scenario at 1, 4 and 8 partitions raise exactly the alerts of the single-threaded reference,
 * with no group signal judged out of event-time order, although with several partitions the
 * monitor tasks run far apart.
 */
class DiffusionPartitionsTest {
    @Test
    void oneFourAndEightPartitionsGiveTheSameAlerts(@TempDir Path dir) throws Exception {
        Scenario scenario = new Simulator(ScenarioSpec.defaults(20, 300, 4_242)
                .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(5, 5))).generate();
        Files.write(dir.resolve(ReplayInputs.POLICIES), scenario.policyLines());
        Files.write(dir.resolve(ReplayInputs.INTERACTIONS), scenario.interactionLines());
        BallastConfig config = BallastConfig.defaults();
        List<Alert> reference = OfflineRun.run(scenario.policyLines(), scenario.interactionLines(),
                new AgentMonitor(config.monitorSettings()), config.diffusion()).alerts();
        DiffusionScore score = new DiffusionScorer(scenario.truth()).score(reference);
        assertEquals(5, score.detected(), "the scenario's contagious groups are all caught: " + score);
        assertTrue(score.detectedBeforeHalf() >= 4 && score.patientZeroCorrect() >= 4, score.toString());
        assertEquals(0, score.controlAlerts(), score.toString());

        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (int partitions : new int[]{1, 4, 8}) {
            BallastMetrics metrics = new BallastMetrics(new SimpleMeterRegistry());
            ReplayRunner.Result result = new ReplayRunner(config.with("topic.partitions", Integer.toString(partitions)),
                    quiet).run(ReplayInputs.read(dir), metrics);
            assertEquals(identities(reference), identities(result.alerts()), partitions + " partitions");
            assertEquals(Map.of("buffer_full", 0L, "late", 0L), result.summary().groupSignalsOutOfOrder(),
                    partitions + " partitions");
        }
    }

    /** Everything that makes an alert the same alert, DIFFUSION evidence included. */
    private static TreeSet<String> identities(List<Alert> alerts) {
        TreeSet<String> out = new TreeSet<>();
        for (Alert a : alerts) {
            if (a.type() == AlertType.GATE_SURGE) {
                continue;
            }
            String group = a.type() == AlertType.DIFFUSION ? "|" + a.evidence().get("patientZero") + "|"
                    + a.evidence().get("edges") + "|" + a.evidence().get("timeline") : "";
            out.add(a.type() + "|" + a.agentId() + "|" + a.groupId() + "|" + a.triggerEventId() + group);
        }
        return out;
    }
}
