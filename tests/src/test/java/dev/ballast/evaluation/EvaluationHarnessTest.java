package dev.ballast.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DetectionScorer;
import dev.ballast.streams.eval.OfflineRun;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationHarnessTest {

    @Test
    void calibrationFindsTheMostSensitiveSettingWithinTheBudget() {
        Calibration c = new Calibration(1_000, 400, 50, new double[]{0.01, 0.03, 0.05}, 50_000, 1);
        assertEquals(7, c.allowedAlarms());
        for (MoaDetector d : List.of(MoaDetector.PAGE_HINKLEY, MoaDetector.CUSUM)) {
            Calibration.Result r = c.calibrate(d);
            assertTrue(r.alarms() <= c.allowedAlarms(), d.name() + " " + r);
            double louder = d.quieterUp() ? r.value() * 0.8 : r.value() * 1.25;
            long louderAlarms = DetectorRuns.alarmsInControl(DetectorRuns.of(d.factory().apply(louder)), c.rates(), c.streams(),
                    c.length(), c.warmup(), c.seed());
            assertTrue(louderAlarms > c.allowedAlarms(), d.name() + ": a louder setting would also have met the budget");
        }
    }

    @Test
    void streamsSeeTheSameViolationsAsTheMonitorAndAlarmsScoreLikeAlerts() {
        Scenario s = new Simulator(ScenarioSpec.defaults(30, 300, 9)).generate();
        AgentStreams streams = AgentStreams.of(s.policyLines(), s.interactionLines());
        assertEquals(30, streams.byAgent.size());
        assertTrue(streams.byAgent.values().stream().allMatch(steps -> steps.size() == 300));
        BallastConfig config = BallastConfig.defaults();
        List<Alert> reference = OfflineRun.run(s.policyLines(), s.interactionLines(),
                new AgentMonitor(config.monitorSettings()), config.diffusion()).alerts();
        DetectionScorer scorer = new DetectionScorer(s.truth(), streams.positions);
        DetectionScore ballast = scorer.score(reference);
        assertEquals(1.0, ballast.kinds().get("TIPPING").recall());
        List<Alert> alarms = DetectorRuns.run(MoaDetector.CUSUM, 11, streams, config.warmupEvents());
        assertTrue(alarms.stream().allMatch(a -> streams.positions.position(a.triggerEventId()) >= config.warmupEvents()),
                "no alarm counted inside the warm-up");
        assertTrue(scorer.score(alarms).kinds().get("TIPPING").recall() > 0.5);
    }
}
