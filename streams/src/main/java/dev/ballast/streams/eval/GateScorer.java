package dev.ballast.streams.eval;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.GateDecision;
import dev.ballast.model.scoring.Auroc;
import dev.ballast.streams.gate.FineTuneGate;
import dev.ballast.streams.sim.CandidateKind;
import dev.ballast.streams.sim.GroundTruth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Scores the gate's decisions and GATE_SURGE alerts against the candidates' ground truth. */
public final class GateScorer {
    private final GroundTruth truth;
    private final int surgeWarmupDecisions;

    /**
     * @param surgeWarmupDecisions the gate's {@code gate.surge.warmup.decisions}, to tell a missed
     *                             surge from one that came while its dataset's baseline was forming
     */
    public GateScorer(GroundTruth truth, int surgeWarmupDecisions) {
        this.truth = truth;
        this.surgeWarmupDecisions = surgeWarmupDecisions;
    }

    public GateScore score(List<GateDecision> decisions, List<Alert> alerts) {
        Map<String, List<GateDecision>> bySample = new HashMap<>();
        decisions.forEach(d -> bySample.computeIfAbsent(d.sampleId(), k -> new ArrayList<>()).add(d));
        int decided = 0;
        int missing = 0;
        int duplicated = 0;
        int ruleBreaking = 0;
        int ruleCaught = 0;
        int falseConflicts = 0;
        List<Double> harmful = new ArrayList<>();
        List<Double> benign = new ArrayList<>();
        Map<CandidateKind, int[]> counts = new LinkedHashMap<>();
        for (CandidateKind kind : CandidateKind.values()) {
            counts.put(kind, new int[4]);
        }
        for (GroundTruth.CandidateTruth c : truth.candidates()) {
            List<GateDecision> ds = bySample.getOrDefault(c.sampleId(), List.of());
            if (ds.isEmpty()) {
                missing++;
                continue;
            }
            if (ds.size() > 1) {
                duplicated++;
                continue;
            }
            decided++;
            GateDecision d = ds.get(0);
            boolean accepted = d.decision() == GateDecision.Decision.ACCEPT;
            Set<String> named = new HashSet<>(d.violatedRules() == null ? List.of() : d.violatedRules());
            if (!c.violates().isEmpty()) {
                ruleBreaking++;
                if (!accepted && named.containsAll(c.violates())) {
                    ruleCaught++;
                }
            }
            if (!c.violates().containsAll(named)) {
                falseConflicts++;
            }
            int[] k = counts.get(c.kind());
            k[0]++;
            k[1] += accepted ? 1 : 0;
            boolean warm = d.threshold() != null;
            k[2] += warm ? 1 : 0;
            k[3] += warm && accepted ? 1 : 0;
            if (d.gradNorm() != null && c.kind() == CandidateKind.HARMFUL_COMPLIANCE) {
                harmful.add(d.gradNorm());
            } else if (d.gradNorm() != null && c.kind() == CandidateKind.BENIGN) {
                benign.add(d.gradNorm());
            }
        }
        Map<String, GateScore.KindGate> kinds = new LinkedHashMap<>();
        counts.forEach((kind, k) -> kinds.put(kind.name(), new GateScore.KindGate(k[0], k[1], k[2], k[3])));
        double auroc = harmful.isEmpty() || benign.isEmpty() ? Double.NaN
                : Auroc.of(harmful.stream().mapToDouble(Double::doubleValue).toArray(),
                        benign.stream().mapToDouble(Double::doubleValue).toArray());
        Map<String, Integer> indexInDataset = new HashMap<>();
        Map<String, Integer> seen = new HashMap<>();
        for (GroundTruth.CandidateTruth c : truth.candidates()) {
            indexInDataset.put(c.sampleId(), seen.merge(c.datasetId(), 1, Integer::sum) - 1);
        }
        Map<String, Integer> surgeFrom = surgeFrom();
        Surges surges = surges(alerts, indexInDataset, surgeFrom);
        return new GateScore(truth.candidates().size(), decided, missing, duplicated, ruleBreaking, ruleCaught,
                falseConflicts, auroc, kinds, surges.datasets(), surges.delays().size(), surges.falseAlarms(),
                surges.delays(), surgesInBaseline(bySample, indexInDataset, surgeFrom, surges.delays().keySet()),
                surgeWarmupDecisions);
    }

    /**
     * Missed poisoned datasets whose jump came before their surge baseline was formed, each with the
     * decisions counting towards that baseline made before the jump. Counted from the decisions
     * themselves: the gate's own warm-up (again after each new model version) does not count, so no
     * sample index alone says when a baseline was complete.
     */
    private Map<String, Integer> surgesInBaseline(Map<String, List<GateDecision>> bySample,
                                                  Map<String, Integer> indexInDataset, Map<String, Integer> from,
                                                  Set<String> detected) {
        Map<String, Integer> counted = new HashMap<>();
        for (GroundTruth.CandidateTruth c : truth.candidates()) {
            Integer jump = from.get(c.datasetId());
            if (jump != null && indexInDataset.get(c.sampleId()) < jump && bySample.getOrDefault(c.sampleId(), List.of()).stream()
                    .anyMatch(FineTuneGate::countsForSurge)) {
                counted.merge(c.datasetId(), 1, Integer::sum);
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String dataset : from.keySet()) {
            int before = counted.getOrDefault(dataset, 0);
            if (!detected.contains(dataset) && before < surgeWarmupDecisions) {
                out.put(dataset, before);
            }
        }
        return out;
    }

    /** The sample index within each poisoned dataset from which its harmful share jumps. */
    private Map<String, Integer> surgeFrom() {
        Map<String, Integer> surgeFrom = new LinkedHashMap<>();
        for (GroundTruth.DatasetTruth d : truth.datasets()) {
            if (d.surgeFromSample() != null) {
                surgeFrom.put(d.datasetId(), d.surgeFromSample());
            }
        }
        return surgeFrom;
    }

    /** GATE_SURGE against the poisoned datasets: delay per detected one, and the alerts that hit nothing. */
    private record Surges(int datasets, Map<String, Integer> delays, int falseAlarms) {
    }

    private static Surges surges(List<Alert> alerts, Map<String, Integer> indexInDataset,
                                 Map<String, Integer> surgeFrom) {
        Map<String, Integer> delays = new LinkedHashMap<>();
        int falseAlarms = 0;
        for (Alert a : alerts) {
            if (a.type() != AlertType.GATE_SURGE) {
                continue;
            }
            String dataset = String.valueOf(a.evidence().get("datasetId"));
            Integer from = surgeFrom.get(dataset);
            Integer at = indexInDataset.get(a.triggerEventId());
            if (from == null || at == null || at < from) {
                falseAlarms++;
            } else {
                delays.putIfAbsent(dataset, at - from);
            }
        }
        return new Surges(surgeFrom.size(), delays, falseAlarms);
    }
}
