package dev.ballast.streams.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ballast.events.Candidate;
import dev.ballast.events.ScoredCandidate;

/**
 * A candidate with its score, or with none when the score did not arrive within the gate's
 * timeout; on the internal topic that takes candidates to their dataset's gate task.
 *
 * @param timestampMillis the candidate's record time, which selects the policy versions in force
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ScoredPair(Candidate candidate, ScoredCandidate score, long timestampMillis) {
    /**
     * The score without the text its candidate already carries: twice the text, a pair of a
     * candidate at {@code max.record.bytes} would not fit on the internal topic.
     */
    ScoredPair {
        score = score == null ? null : score.withoutText();
    }
}
