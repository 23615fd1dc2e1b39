package dev.ballast.streams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.sim.Range;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import dev.ballast.streams.sim.TippingSpec;
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
 * place (without it, tipping is caught later on every seed). Tipping that pays little is still
 * typed TIPPING, by the escalation of the DRIFT episodes it first opens.
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

    /**
     * Violations that pay only 1.1-1.2 times the compliant reward, within the reward's own noise:
     * the rate statistic often fires before the reward evidence is clear, and the first alert says
     * DRIFT. The escalation re-types those episodes, so the tipping agents are still typed TIPPING.
     */
    @ParameterizedTest
    @ValueSource(longs = {404, 505})
    void tippingThatPaysLittleIsTypedTippingByItsEscalation(long seed) {
        TippingSpec lowPay = new TippingSpec(TippingSpec.DEFAULT.onsetRise(), TippingSpec.DEFAULT.growth(),
                TippingSpec.DEFAULT.reinforcement(), new Range(1.1, 1.2), TippingSpec.DEFAULT.baseReward());
        Scenario s = new Simulator(ScenarioSpec.defaults(250, 400, seed).withTipping(lowPay)).generate();
        OfflineRun.Result r = OfflineRun.run(s.policyLines(), s.interactionLines(),
                new AgentMonitor(BallastConfig.defaults().monitorSettings()), BallastConfig.defaults().diffusion());
        DetectionScore score = new DetectionScorer(s.truth(), r.positions()).score(r.alerts());
        DetectionScore.KindScore tipping = score.kinds().get("TIPPING");
        long escalations = r.alerts().stream().filter(Alert::escalation).count();
        assertTrue(escalations > 0, "some tipping agents alerted as DRIFT first");
        assertTrue(tipping.typedRecall() >= 0.95, "tipping " + tipping);
        assertTrue(score.kinds().get("DRIFT").typedRecall() >= 0.9, "drift agents stay DRIFT " + score.kinds().get("DRIFT"));
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
