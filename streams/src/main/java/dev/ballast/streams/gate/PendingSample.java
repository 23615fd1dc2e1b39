package dev.ballast.streams.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.ballast.events.Candidate;
import dev.ballast.events.ScoredCandidate;

/**
 * What the gate knows of one sampleId while it pairs candidates with scores: a candidate waiting
 * for its score, or a score that arrived before its candidate (both since {@code sinceMillis}), or,
 * once the sample was decided, the hash of what was decided and when ({@code decidedMillis}), so a
 * copy sent again is recognised. Only waiting entries are stored in this form.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PendingSample(Candidate candidate, ScoredCandidate score, long sinceMillis, Long decidedMillis,
                            Long contentHash) {

    static PendingSample waitingCandidate(Candidate candidate, long since) {
        return new PendingSample(candidate, null, since, null, null);
    }

    static PendingSample waitingScore(ScoredCandidate score, long since) {
        return new PendingSample(null, score, since, null, null);
    }

    public static PendingSample decided(long contentHash, long at) {
        return new PendingSample(null, null, at, at, contentHash);
    }

    public boolean isDecided() {
        return decidedMillis != null;
    }
}
