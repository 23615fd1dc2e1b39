package dev.ballast.streams.topology;

import dev.ballast.events.Alert;
import dev.ballast.events.GateDecision;

/** What the gate processor emits: a decision (keyed by sampleId) or a GATE_SURGE alert (keyed by datasetId). */
sealed interface GateOutput {
    record OfDecision(GateDecision decision) implements GateOutput {
    }

    record OfAlert(Alert alert) implements GateOutput {
    }
}
