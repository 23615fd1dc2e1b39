package dev.ballast.streams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.AlertType;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import dev.ballast.streams.sim.TippingSpec;
import org.junit.jupiter.api.Test;

/**
 * Diffusion detection with default settings on simulated groups of 12 agents observing 3 peers
 * per round, at fixed seeds: DIFFUSION before half the group turned in at least 90% of contagious
 * groups, the true patient zero in at least 80%, none on independent-deviance control groups, none
 * on groups without deviance.
 */
class DiffusionQualityTest {
    private static OfflineRun.Result run(Scenario s) {
        BallastConfig c = BallastConfig.defaults();
        return OfflineRun.run(s.policyLines(), s.interactionLines(), new AgentMonitor(c.monitorSettings()), c.diffusion());
    }

    @Test
    void contagiousGroupsAreCaughtEarlyAndControlsAreLeftAlone() {
        int contagious = 0;
        int early = 0;
        int zero = 0;
        int controlAlerts = 0;
        for (long seed = 11; seed <= 14; seed++) {
            Scenario s = new Simulator(ScenarioSpec.defaults(10, 400, seed)
                    .withGroups(ScenarioSpec.GroupSpec.NONE.withCounts(10, 10))).generate();
            DiffusionScore score = new DiffusionScorer(s.truth()).score(run(s).alerts());
            contagious += score.contagiousGroups();
            early += score.detectedBeforeHalf();
            zero += score.patientZeroCorrect();
            controlAlerts += score.controlAlerts() + score.alertsBeforeOnset() + score.ungroupedAlerts();
        }
        assertEquals(40, contagious);
        assertTrue(early >= 36, "early in " + early + "/40");
        assertTrue(zero >= 32, "patient zero in " + zero + "/40");
        assertEquals(0, controlAlerts);
    }

    /**
     * Control agents that see their group's independent deviants: exposure then precedes most
     * turns by chance, and only the group's own turning hazard tells coincidence from contagion.
     * Without that test 23 of 100 such control groups alarmed.
     */
    @Test
    void visibleButIndependentDeviantsRarelyReadAsContagion() {
        int contagious = 0;
        int early = 0;
        int controls = 0;
        int controlAlerts = 0;
        for (long seed = 51; seed <= 60; seed++) {
            Scenario s = new Simulator(ScenarioSpec.defaults(10, 400, seed)
                    .withGroups(new ScenarioSpec.GroupSpec(10, 10, 12, 3, 0.04, 3, true))).generate();
            DiffusionScore score = new DiffusionScorer(s.truth()).score(run(s).alerts());
            contagious += score.contagiousGroups();
            early += score.detectedBeforeHalf();
            controls += score.controlGroups();
            controlAlerts += score.controlAlerts();
        }
        assertEquals(100, controls);
        assertTrue(controlAlerts <= 5, "control groups alarmed: " + controlAlerts + "/100");
        assertTrue(early >= 90, "contagious groups caught before half: " + early + "/" + contagious);
    }

    @Test
    void groupsWithoutDevianceRaiseNothing() {
        Scenario s = new Simulator(new ScenarioSpec(5, 400, 21, 0, 0, 0, 0, ScenarioSpec.DEFAULT_START,
                new ScenarioSpec.GroupSpec(0, 20, 12, 3, 0.04, 0, true), CandidateSpec.NONE, PreferenceSpec.NONE,
                TippingSpec.DEFAULT)).generate();
        assertTrue(run(s).alerts().stream().noneMatch(a -> a.type() == AlertType.DIFFUSION));
    }
}
