package dev.ballast.streams.gate;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.GateDecision;
import dev.ballast.streams.drift.AgentMonitor;
import dev.ballast.streams.drift.AgentState;
import dev.ballast.streams.drift.Detection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * GATE_SURGE: a dataset's quarantine share jumping above its own baseline. The same sequential
 * test as agent drift ({@link AgentMonitor}: Bernoulli CUSUM, threshold from a false-alarm budget,
 * one alert per episode, re-arm on return to baseline), run on the indicator "this decision was
 * a quarantine", with the gate's own budget, shift and warm-up. Decisions held back only for
 * warm-up do not count.
 */
public final class QuarantineSurge {
    private final AgentMonitor detector;
    private final Clock clock;

    public QuarantineSurge(GateSettings settings, Clock clock) {
        this.detector = new AgentMonitor(settings.surge());
        this.clock = clock;
    }

    /** Folds one decision into the dataset's {@code state}; the alert if a surge episode opened. */
    public Optional<Alert> observe(AgentState state, GateDecision decision, Instant at) {
        if (!FineTuneGate.countsForSurge(decision)) {
            return Optional.empty();
        }
        boolean quarantined = decision.decision() == GateDecision.Decision.QUARANTINE;
        return detector.observe(state, quarantined, null, at.toEpochMilli()).map(d -> alert(decision, d, at));
    }

    private Alert alert(GateDecision decision, Detection d, Instant at) {
        String identity = "GATE_SURGE|" + decision.datasetId() + "|" + d.episode() + "|" + decision.sampleId();
        Map<String, Object> evidence = new java.util.LinkedHashMap<>();
        evidence.put("datasetId", decision.datasetId());
        evidence.put("baselineQuarantineShare", round(d.baselineRate()));
        evidence.put("recentQuarantineShare", round(d.currentRate()));
        evidence.put("statistic", round(d.statistic()));
        evidence.put("threshold", round(d.threshold()));
        evidence.put("decisionsSinceChange", d.eventsSinceChange());
        evidence.put("quarantinedSinceChange", d.violationsSinceChange());
        evidence.put("lastReasons", decision.reasons());
        evidence.put("modelVersion", decision.modelVersion());
        evidence.put("episode", d.episode());
        return new Alert(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString(),
                AlertType.GATE_SURGE, null, null, decision.sampleId(), at, clock.instant(), d.detector(),
                d.statistic() / d.threshold(), decision.policyVersion(), evidence);
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
