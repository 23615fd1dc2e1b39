package dev.ballast.streams.topology;

import dev.ballast.events.Candidate;
import dev.ballast.events.ScoredCandidate;

/** What the pairing processor reads: a candidate or a score, both keyed by sampleId. */
sealed interface PairingInput {
    record OfCandidate(Candidate candidate) implements PairingInput {
    }

    record OfScore(ScoredCandidate score) implements PairingInput {
    }
}
