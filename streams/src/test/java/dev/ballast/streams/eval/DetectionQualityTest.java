package dev.ballast.streams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The monitor's default settings against the acceptance figures, on full-size simulated
 * scenarios (250 agents x 400 rounds, tipping as the default gradual-to-fast process) at fixed
 * seeds: tipping recall at least 0.95, typed TIPPING, with median delay at most 12 events; abrupt
 * drift median at most 15 (the acceptance figures); at most one false alarm per 100,000
 * events of stable agents; no alert before a change; and the paid-violation statistic earning its
 * place (without it, tipping is caught later on every seed).
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
        assertTrue(tipping.medianDelay() <= 12, "tipping delay " + tipping);
        assertTrue(score.falseAlarmsPer100k() <= 1.0, "false alarms " + score.falseAlarms());
        assertEquals(0, score.alertsBeforeChange());
        assertEquals(1.0, score.kinds().get("POLICY_SENSITIVE").recall(), "flagged once the rule takes effect");
        assertTrue(score.kinds().get("DRIFT").recall() >= 0.95, "drift " + score.kinds().get("DRIFT"));
        assertTrue(score.kinds().get("DRIFT").medianDelay() <= 15, "drift " + score.kinds().get("DRIFT"));

        BallastConfig rateOnly = BallastConfig.parse(props("tipping.paid.shift", "0"), Map.of());
        OfflineRun.Result without = OfflineRun.run(s.policyLines(), s.interactionLines(),
                new AgentMonitor(rateOnly.monitorSettings()), rateOnly.diffusion());
        double rateOnlyDelay = new DetectionScorer(s.truth(), without.positions()).score(without.alerts())
                .kinds().get("TIPPING").medianDelay();
        assertTrue(tipping.medianDelay() < rateOnlyDelay, "median " + tipping.medianDelay() + " with rewards, "
                + rateOnlyDelay + " on the violation rate alone");
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
