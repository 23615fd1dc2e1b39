package dev.ballast.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DiffusionScore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationSummaryTest {

    /** A score with one changed kind (every agent detected, at these delays) and false alarms on unchanged agents. */
    private static DetectionScore score(String kind, List<Long> delays, int agents, long falseAlarms, long stableEvents) {
        Map<String, DetectionScore.KindScore> kinds = new LinkedHashMap<>();
        kinds.put(kind, new DetectionScore.KindScore(agents, delays.size(), delays.size(), (double) delays.size() / agents,
                (double) delays.size() / agents, median(delays), Double.NaN, delays));
        kinds.put("STABLE", new DetectionScore.KindScore(10, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of()));
        return new DetectionScore(kinds, stableEvents, falseAlarms, falseAlarms * 100_000.0 / stableEvents, 0, List.of());
    }

    private static double median(List<Long> delays) {
        return delays.stream().sorted().toList().get((delays.size() - 1) / 2);
    }

    @Test
    void pooledFiguresAreOverAllAgentsNotAnAverageOfTheInputs() {
        DetectionScore a = score("TIPPING", List.of(1L, 2L, 3L), 4, 1, 60_000);
        DetectionScore b = score("TIPPING", List.of(10L, 11L, 12L, 13L, 14L), 5, 0, 40_000);
        DetectionScore pooled = EvaluationSummary.pool(List.of(a, b));
        DetectionScore.KindScore tipping = pooled.kinds().get("TIPPING");
        assertEquals(9, tipping.agents());
        assertEquals(8, tipping.detected());
        assertEquals(8.0 / 9, tipping.recall(), 1e-12);
        // Nearest rank over the eight delays together; the inputs' own medians (2 and 12) average 7.
        assertEquals(10.0, tipping.medianDelay());
        assertEquals(14.0, tipping.p90Delay());
        assertEquals(1, pooled.falseAlarms());
        assertEquals(100_000, pooled.stableEvents());
        assertEquals(1.0, pooled.falseAlarmsPer100k(), 1e-12);
        assertTrue(Double.isNaN(pooled.kinds().get("STABLE").recall()), "unchanged agents have no recall, pooled or not");
    }

    @Test
    void theQuickestMoaDetectorIsOneThatMetTheBudget() {
        DetectionScore ballast = score("TIPPING", List.of(11L), 1, 0, 50_000);
        DetectionScore fastButLoud = score("TIPPING", List.of(3L), 1, 40, 50_000);
        DetectionScore slower = score("TIPPING", List.of(20L), 1, 0, 50_000);
        EvaluationSummary.Input first = new EvaluationSummary.Input("seed-1", List.of(
                DetectorResult.of("Ballast", "budget", 2, ballast),
                DetectorResult.of("MOA DDM", "outcontrolLevel=5", 7_000, fastButLoud),
                DetectorResult.of("MOA CUSUM", "lambda=13", 3, slower)), 3, 4.0, null);
        EvaluationSummary.Input second = new EvaluationSummary.Input("seed-2", List.of(
                DetectorResult.of("Ballast", "budget", 4, ballast),
                DetectorResult.of("MOA DDM", "outcontrolLevel=5", 3, fastButLoud),
                DetectorResult.of("MOA CUSUM", "lambda=13", 3, slower)), 3, 4.0, null);
        EvaluationSummary summary = new EvaluationSummary(List.of(first, second));
        String md = summary.markdown();
        assertTrue(md.contains("| seed-1 | 11.0 (-), 1.00 | 1.00 | CUSUM 20.0, 1.00 |"), md);
        assertTrue(md.contains("| seed-2 | 11.0 (-), 1.00 | 1.00 | DDM 3.00, 1.00 |"), md);
        // Pooled, only a detector that met the budget on every input is named.
        assertTrue(md.contains("| **all 2 pooled** | 11.0 (11.0), 1.00 | 1.00 | CUSUM 20.0, 1.00 |"), md);
        assertTrue(md.contains("| MOA DDM | 1 of 2 | TIPPING | 2 |"), md);
        assertTrue(md.contains("| Ballast | - (not tuned on it) | TIPPING | 2 |"), md);
        assertTrue(md.contains("a detector exactly at the budget averages 4.0 of them per input"), md);
        assertEquals("seed-1: Ballast TIPPING median 11.0 (recall 1.00), false alarms 0 (0.00 per 100k)",
                EvaluationSummary.oneLine(first));
        assertTrue(md.contains("| seed-1 | 11.0 (-), 1.00 | 1.00 | CUSUM 20.0, 1.00 | - | - | - | 0 (0.00) | 2 (3) |"), md);
    }

    @Test
    void diffusionIsPooledByGroupCounts() {
        DetectionScore none = score("TIPPING", List.of(5L), 1, 0, 1_000);
        EvaluationSummary summary = new EvaluationSummary(List.of(
                new EvaluationSummary.Input("a", List.of(DetectorResult.of("Ballast", "b", 0, none)), 3, 4.0,
                        new DiffusionScore(100, 100, 91, 97, 100, 3, 0, 0)),
                new EvaluationSummary.Input("b", List.of(DetectorResult.of("Ballast", "b", 0, none)), 3, 4.0,
                        new DiffusionScore(100, 99, 88, 95, 100, 6, 0, 0))));
        String md = summary.markdown();
        assertTrue(md.contains("| a | 100 | 100 | 91 | 97 | 100 | 3 |"), md);
        assertTrue(md.contains("| **all pooled** | 200 | 199 | 179 | 192 | 200 | 9 |"), md);
    }

    @Test
    void inputsSharingADirectoryNameGetNumberedOutputsAndARepeatedInputIsRefused() {
        Map<Path, String> names = EvaluateCommand.directoryNames(List.of(Path.of("logs/day1/in"), Path.of("logs/day2/in"),
                Path.of("seed-9794"), Path.of("other/in")));
        assertEquals(List.of("in", "in-2", "seed-9794", "in-3"), List.copyOf(names.values()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvaluateCommand.directoryNames(List.of(Path.of("a"), Path.of("a"))));
        assertEquals("--input a is given twice", e.getMessage());
    }
}
