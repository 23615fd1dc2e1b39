package dev.ballast.streams.topology;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.ballast.events.Alert;
import dev.ballast.events.TriageDecision;

/** What the trigger reads, through one repartition topic: a triage decision or an alert. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = TriggerInput.OfDecision.class, name = "decision"),
        @JsonSubTypes.Type(value = TriggerInput.OfAlert.class, name = "alert")})
sealed interface TriggerInput {
    record OfDecision(TriageDecision decision) implements TriggerInput {
    }

    record OfAlert(Alert alert) implements TriggerInput {
    }
}
