package dev.ballast.streams.topology;

import dev.ballast.events.Candidate;
import dev.ballast.streams.monitor.DeadLetters;
import dev.ballast.streams.monitor.Intake;

/** What the pairing processor emits: a candidate for its dataset's gate task, or a repeated copy for the dead-letter topic. */
sealed interface PairingOutput {
    record OfPair(ScoredPair pair) implements PairingOutput {
    }

    record ToDeadLetters(Intake.Invalid<Candidate> letter) implements PairingOutput, DeadLetters.Letter {
    }
}
