package dev.ballast.streams.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ballast.events.Candidate;
import dev.ballast.events.ScoredCandidate;

/**
 * Half of a pair waiting in the {@value GateTopology#PENDING_STORE} store: a candidate waiting for
 * its score (since its record time), or a score that arrived before its candidate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PendingSample(Candidate candidate, ScoredCandidate score, long sinceMillis) {
}
