package dev.ballast.streams.topology;

import dev.ballast.events.Policy;

/** What the gate processor reads: a scored (or unscored) candidate, or a policy version. */
sealed interface GateInput {
    record OfPair(ScoredPair pair) implements GateInput {
    }

    record OfPolicy(Policy policy) implements GateInput {
    }
}
