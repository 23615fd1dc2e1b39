package dev.ballast.streams.eval;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.streams.sim.GroundTruth;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Scores DIFFUSION alerts against group truth. An alert's round is derived from its event
 * timestamp and the scenario's round length; it is early when its round comes before the round in
 * which half the group had turned (a group that never got there counts as early when detected).
 */
public final class DiffusionScorer {
    private final GroundTruth truth;

    public DiffusionScorer(GroundTruth truth) {
        this.truth = truth;
    }

    private long round(Alert alert) {
        return Math.floorDiv(alert.eventTimestamp().getEpochSecond() - truth.start().getEpochSecond(), truth.roundSeconds());
    }

    public DiffusionScore score(Collection<Alert> alerts) {
        List<GroundTruth.GroupTruth> groups = truth.groups() == null ? List.of() : truth.groups();
        Map<String, GroundTruth.GroupTruth> byId = groups.stream()
                .collect(Collectors.toMap(GroundTruth.GroupTruth::groupId, Function.identity()));
        Map<String, List<Alert>> diffusion = alerts.stream().filter(a -> a.type() == AlertType.DIFFUSION)
                .collect(Collectors.groupingBy(a -> String.valueOf(a.groupId())));
        int contagious = 0;
        int detected = 0;
        int early = 0;
        int zero = 0;
        int control = 0;
        int controlAlerts = 0;
        int beforeOnset = 0;
        for (GroundTruth.GroupTruth g : groups) {
            List<Alert> own = diffusion.getOrDefault(g.groupId(), List.of()).stream()
                    .sorted(Comparator.comparingLong(this::round)).toList();
            if (g.kind() == GroundTruth.GroupKind.CONTROL) {
                control++;
                controlAlerts += own.size();
                continue;
            }
            contagious++;
            Alert first = null;
            for (Alert a : own) {
                if (g.onsetRound() == null || round(a) < g.onsetRound()) {
                    beforeOnset++;
                } else if (first == null) {
                    first = a;
                }
            }
            if (first == null) {
                continue;
            }
            detected++;
            if (g.halfTurnedRound() == null || round(first) < g.halfTurnedRound()) {
                early++;
            }
            if (g.patientZero() != null && g.patientZero().equals(first.evidence().get("patientZero"))) {
                zero++;
            }
        }
        int ungrouped = (int) diffusion.entrySet().stream().filter(e -> !byId.containsKey(e.getKey()))
                .mapToLong(e -> e.getValue().size()).sum();
        return new DiffusionScore(contagious, detected, early, zero, control, controlAlerts, beforeOnset, ungrouped);
    }
}
