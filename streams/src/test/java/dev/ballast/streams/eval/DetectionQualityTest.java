package dev.ballast.streams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The monitor's default settings against the acceptance figures, on full-size simulated
 * scenarios (250 agents x 400 rounds) at fixed seeds: tipping recall at least 0.95 with median
 * delay at most 15 events, at most one false alarm per 100,000 events of stable agents, and no
 * alert before a change.
 */
class DetectionQualityTest {

    @ParameterizedTest
    @ValueSource(longs = {101, 202, 303})
    void defaultSettingsMeetTheAcceptanceFigures(long seed) {
        Scenario s = new Simulator(ScenarioSpec.defaults(250, 400, seed)).generate();
        AgentMonitor monitor = new AgentMonitor(BallastConfig.defaults().monitorSettings());
        OfflineRun.Result r = OfflineRun.run(s.policyLines(), s.interactionLines(), monitor,
                BallastConfig.defaults().diffusion());
        DetectionScore score = new DetectionScorer(s.truth(), r.positions()).score(r.alerts());
        DetectionScore.KindScore tipping = score.kinds().get("TIPPING");
        assertTrue(tipping.typedRecall() >= 0.95, "tipping recall " + tipping);
        assertTrue(tipping.medianDelay() <= 15, "tipping delay " + tipping);
        assertTrue(score.falseAlarmsPer100k() <= 1.0, "false alarms " + score.falseAlarms());
        assertEquals(0, score.alertsBeforeChange());
        assertEquals(1.0, score.kinds().get("POLICY_SENSITIVE").recall(), "flagged once the rule takes effect");
        assertTrue(score.kinds().get("DRIFT").recall() >= 0.95, "drift " + score.kinds().get("DRIFT"));
    }
}
