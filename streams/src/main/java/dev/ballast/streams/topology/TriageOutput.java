package dev.ballast.streams.topology;

import dev.ballast.events.PreferencePair;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.monitor.DeadLetters;
import dev.ballast.streams.monitor.Intake;

/** What the triage processor emits: decisions, or re-sent pairs for the dead-letter topic. */
sealed interface TriageOutput {
    record OfDecision(TriageDecision decision) implements TriageOutput {
    }

    record ToDeadLetters(Intake.Invalid<PreferencePair> letter) implements TriageOutput, DeadLetters.Letter {
    }
}
