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

    /** Scores summed over seeds {@code from} to {@code to}, 10 agents, 400 rounds, {@code groups}. */
    private static DiffusionScore scoreSeeds(long from, long to, ScenarioSpec.GroupSpec groups) {
        DiffusionScore sum = DiffusionScore.NONE;
        for (long seed = from; seed <= to; seed++) {
            Scenario s = new Simulator(ScenarioSpec.defaults(10, 400, seed).withGroups(groups)).generate();
            sum = sum.plus(new DiffusionScorer(s.truth()).score(run(s).alerts()));
        }
        return sum;
    }

    @Test
    void contagiousGroupsAreCaughtEarlyAndControlsAreLeftAlone() {
        DiffusionScore score = scoreSeeds(11, 14, ScenarioSpec.GroupSpec.NONE.withCounts(10, 10));
        assertEquals(40, score.contagiousGroups());
        assertTrue(score.detectedBeforeHalf() >= 36, "early: " + score);
        assertTrue(score.patientZeroCorrect() >= 32, "patient zero: " + score);
        assertEquals(0, score.controlAlerts() + score.alertsBeforeOnset() + score.ungroupedAlerts(), score.toString());
    }

    /**
     * Control agents that see their group's independent deviants: exposure then precedes most
     * turns by chance. A sighting of a violation just before the turn's first violation, and the
     * group's own turning hazard, tell coincidence from contagion; without the hazard test 23 of
     * 100 such control groups alarmed.
     */
    @Test
    void visibleButIndependentDeviantsRarelyReadAsContagion() {
        DiffusionScore score = scoreSeeds(51, 60, new ScenarioSpec.GroupSpec(10, 10, 12, 3, 0.04, 3, true));
        assertEquals(100, score.controlGroups());
        assertTrue(score.controlAlerts() <= 5, "control groups alarmed: " + score);
        assertTrue(score.detectedBeforeHalf() >= 90, "contagious groups caught before half: " + score);
    }

    /** The same at the scale of one scenario of 100 contagious and 100 control groups (one agent besides). */
    @Test
    void aHundredGroupsThatSeeTheirDeviants() {
        Scenario s = new Simulator(ScenarioSpec.defaults(1, 400, 2843)
                .withGroups(new ScenarioSpec.GroupSpec(100, 100, 12, 3, 0.04, 3, true))).generate();
        DiffusionScore score = new DiffusionScorer(s.truth()).score(run(s).alerts());
        assertEquals(100, score.controlGroups());
        assertTrue(score.controlAlerts() <= 5, "control groups alarmed: " + score);
        assertTrue(score.detectedBeforeHalf() >= 90, "contagious groups caught before half: " + score);
        assertTrue(score.patientZeroCorrect() >= 80, "patient zero: " + score);
    }

    @Test
    void groupsWithoutDevianceRaiseNothing() {
        Scenario s = new Simulator(new ScenarioSpec(5, 400, 21, 0, 0, 0, 0, ScenarioSpec.DEFAULT_START,
                new ScenarioSpec.GroupSpec(0, 20, 12, 3, 0.04, 0, true), CandidateSpec.NONE, PreferenceSpec.NONE,
                TippingSpec.DEFAULT)).generate();
        assertTrue(run(s).alerts().stream().noneMatch(a -> a.type() == AlertType.DIFFUSION));
    }
}
