package dev.ballast.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.ConfigException;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.sim.Range;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DetectionSweepTest {

    private static DetectionScore.KindScore kind(double typedRecall, double median) {
        return new DetectionScore.KindScore(50, 50, (int) (typedRecall * 50), 1.0, typedRecall, median, median + 5,
                List.of());
    }

    private static DetectionScore score(double tippingMedian, double driftMedian, long falseAlarms) {
        return new DetectionScore(Map.of("TIPPING", kind(1.0, tippingMedian), "DRIFT", kind(1.0, driftMedian)),
                60_000, falseAlarms, falseAlarms * 100_000.0 / 60_000, 0, List.of());
    }

    @Test
    void seedsAreRangesAndSingleSeedsSeparatedByCommas() {
        assertEquals(List.of(5501L, 5502L, 5503L, 9L), DetectionSweep.seeds("5501-5503, 9"));
        assertEquals(List.of(7L), DetectionSweep.seeds("7"));
        for (String bad : new String[]{"", "5-3", "a", "1-2-3", "4,"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectionSweep.seeds(bad));
            assertTrue(e.getMessage().startsWith("sweep.seeds"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DetectionSweep.seeds(null));
    }

    @Test
    void eachMissedFigureIsNamedAndASeedAtTheGoalMeetsIt() {
        DetectionSweep.Goal goal = DetectionSweep.Goal.DETECTION;
        assertEquals(List.of(), goal.misses(score(12, 15, 0), DiffusionScore.NONE, false));
        assertEquals(List.of("tipping median 13.0", "drift median 16.0", "1 false alarms"),
                goal.misses(score(13, 16, 1), DiffusionScore.NONE, false));
        DetectionScore lowTyped = new DetectionScore(Map.of("TIPPING", kind(0.94, 11)), 60_000, 0, 0, 0, List.of());
        assertEquals(List.of("tipping typed recall 0.94"), goal.misses(lowTyped, DiffusionScore.NONE, false));
    }

    @Test
    void controlGroupsMayAlarmOnlyWhereTheySeeTheirDeviants() {
        DetectionSweep.Goal goal = DetectionSweep.Goal.DETECTION;
        DetectionScore none = new DetectionScore(Map.of(), 0, 0, Double.NaN, 0, List.of());
        DiffusionScore fiveAlarmed = new DiffusionScore(100, 100, 90, 80, 100, 5, 0, 0);
        assertEquals(List.of(), goal.misses(none, fiveAlarmed, true));
        assertEquals(List.of("5 control groups alarmed"), goal.misses(none, fiveAlarmed, false));
        DiffusionScore late = new DiffusionScore(100, 100, 89, 79, 100, 6, 0, 0);
        assertEquals(List.of("89 groups before half", "patient zero in 79", "6 control groups alarmed"),
                goal.misses(none, late, true));
    }

    /** A seed in the sweep is the scenario {@code simulate --seed N} writes, so it can be looked at with the CLI. */
    @Test
    void theScenarioIsTheOneSimulateWritesWithTheSameOptions() {
        Properties rounds = new Properties();
        rounds.setProperty("sweep.rounds", "120");
        assertEquals(new Simulator(ScenarioSpec.defaults(250, 120, 77)).generate().interactionLines(),
                new Simulator(DetectionSweep.scenario(rounds).withSeed(77)).generate().interactionLines());

        Properties p = new Properties();
        p.setProperty("sweep.reward.ratio", "1.1:1.2");
        p.setProperty("sweep.agents", "40");
        assertEquals(new Range(1.1, 1.2), DetectionSweep.scenario(p).tipping().rewardRatio());
        assertEquals(40, DetectionSweep.scenario(p).agents());
        p.setProperty("sweep.rounds", "many");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DetectionSweep.scenario(p));
        assertEquals("sweep.rounds takes a whole number, not 'many'", e.getMessage());
    }

    @Test
    void configurationKeysAreSetWithTheirPrefixAndCheckedAsTheApplicationChecksThem() {
        Properties p = new Properties();
        p.setProperty("sweep.set.tipping.paid.shift", "0.25");
        p.setProperty("sweep.seeds", "1");
        assertEquals(0.25, DetectionSweep.config(p).tippingPaidShift(), 1e-12);
        p.setProperty("sweep.set.no.such.key", "1");
        assertThrows(ConfigException.class, () -> DetectionSweep.config(p));
    }
}
