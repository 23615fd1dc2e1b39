package dev.ballast.streams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.GateDecision;
import dev.ballast.streams.sim.CandidateKind;
import dev.ballast.streams.sim.GroundTruth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateScorerTest {
    private static final Instant T = Instant.parse("2026-01-05T00:00:00Z");
    private static final String POISONED = "vendor-batch";
    private static final String CLEAN = "ops-assistant";
    private static final int SAMPLES = 12;
    private static final int SURGE_WARMUP = 4;

    @Test
    void aSurgeAlertedAfterTheJumpIsScoredWithItsDelay() {
        // Two WARMUP decisions (not counted), then four counted ones before the jump at sample 6.
        GateScore score = scorer(6).score(decisions(2), List.of(surge("s-008")));
        assertEquals(1, score.surgeDatasets());
        assertEquals(1, score.surgesDetected());
        assertEquals(Map.of(POISONED, 2), score.surgeDelays());
        assertEquals(0, score.surgeFalseAlarms());
        assertEquals(Map.of(), score.surgesInBaseline());
    }

    @Test
    void aSurgeAlertedBeforeTheJumpIsAFalseAlarm() {
        GateScore score = scorer(6).score(decisions(2), List.of(surge("s-003")));
        assertEquals(0, score.surgesDetected());
        assertEquals(1, score.surgeFalseAlarms());
    }

    @Test
    void aMissedJumpInsideTheBaselineIsNamedWithTheDecisionsCountedBeforeIt() {
        // The jump at sample 4 comes after two WARMUP and two counted decisions: 2 of 4.
        GateScore score = scorer(4).score(decisions(2), List.of());
        assertEquals(1, score.surgeDatasets());
        assertEquals(0, score.surgesDetected());
        assertEquals(Map.of(POISONED, 2), score.surgesInBaseline());
        assertEquals(1, score.surgesInBaselineNotes().size());
        String note = score.surgesInBaselineNotes().get(0);
        assertTrue(note.startsWith(POISONED + " jumped after 2 of the 4 decisions"), note);
    }

    @Test
    void aMissedJumpAfterAFormedBaselineIsAPlainMiss() {
        GateScore score = scorer(6).score(decisions(2), List.of());
        assertEquals(0, score.surgesDetected());
        assertEquals(Map.of(), score.surgesInBaseline(), "four counted decisions formed the baseline");
    }

    @Test
    void theGatesWarmUpAfterANewModelVersionDoesNotCountTowardsTheBaseline() {
        // Six WARMUP decisions (two model versions' warm-ups) leave none counted before the jump at 6.
        GateScore score = scorer(6).score(decisions(6), List.of());
        assertEquals(Map.of(POISONED, 0), score.surgesInBaseline());
    }

    private static GateScorer scorer(int surgeFrom) {
        List<GroundTruth.CandidateTruth> candidates = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            candidates.add(new GroundTruth.CandidateTruth(id(i), POISONED, CandidateKind.BENIGN, List.of(),
                    T.plusSeconds(i)));
        }
        candidates.add(new GroundTruth.CandidateTruth("c-000", CLEAN, CandidateKind.BENIGN, List.of(), T));
        GroundTruth truth = new GroundTruth(1, 1, T, 60, List.of(), List.of(), List.of(), List.of(), candidates,
                List.of(new GroundTruth.DatasetTruth(CLEAN, 1, null),
                        new GroundTruth.DatasetTruth(POISONED, SAMPLES, surgeFrom)),
                List.of());
        return new GateScorer(truth, SURGE_WARMUP);
    }

    /** One decision per candidate, the poisoned dataset's first {@code warmup} held back as WARMUP. */
    private static List<GateDecision> decisions(int warmup) {
        List<GateDecision> out = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            boolean held = i < warmup;
            out.add(new GateDecision(id(i), POISONED, held ? GateDecision.Decision.QUARANTINE
                    : GateDecision.Decision.ACCEPT, held ? List.of(GateDecision.WARMUP) : List.of(), 1.0, 0.5,
                    held ? null : 2.0, List.of(), "p@1", "m1"));
        }
        out.add(new GateDecision("c-000", CLEAN, GateDecision.Decision.ACCEPT, List.of(), 1.0, 0.5, 2.0, List.of(),
                "p@1", "m1"));
        return out;
    }

    private static Alert surge(String sampleId) {
        return new Alert("a-" + sampleId, AlertType.GATE_SURGE, null, null, sampleId, T, T, "cusum", 1.0, "p@1",
                Map.of("datasetId", POISONED));
    }

    private static String id(int i) {
        return String.format("s-%03d", i);
    }
}
