package dev.ballast.streams.topology;

import dev.ballast.events.Policy;
import dev.ballast.events.PreferencePair;

/** What the triage processor reads: a preference pair, or a policy version. */
sealed interface TriageInput {
    record OfPair(PreferencePair pair) implements TriageInput {
    }

    record OfPolicy(Policy policy) implements TriageInput {
    }
}
