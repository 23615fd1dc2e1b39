package dev.ballast.streams.gate;

import dev.ballast.events.Candidate;
import dev.ballast.events.ScoredCandidate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * Pairs each candidate with its score, one sampleId at a time, free of Kafka: the gate decides a
 * sampleId once. A copy of a candidate sent again while the first waits for its score, or within
 * {@code repeatWindow} after it was decided, is not decided again: it is dead-lettered, as
 * {@link #REPEATED} when its content (dataset, prompt, response) is the first copy's and as
 * {@link #CONFLICTING} when it is not, since a sampleId then names two samples and only the first
 * was judged. A score pairs only with the candidate whose content it scored (the model-runner
 * scores every copy), so the score of a dead-lettered copy can never stand in for the first's.
 *
 * <p>A candidate whose score has not come {@code scoreTimeout} after it arrived (stream time) is
 * released without one: the gate quarantines it as NO_SCORE rather than let it wait, or pass,
 * unscored; it is not remembered, so that a copy sent again once scoring works is decided afresh.
 * A score whose candidate never comes is dropped after the same time. A sample decided with its
 * score is remembered by the caller, for {@link #repeatWindow()}, as the
 * {@link PendingSample#isDecided()} entry its release stores.
 */
public final class SamplePairing {
    /** Starts the reason of a re-sent candidate (and tells its kind in metrics). */
    public static final String REPEATED = "sampleId already in the gate with the same content";
    /** Starts the reason of a candidate that reuses another sample's id (and tells its kind in metrics). */
    public static final String CONFLICTING = "sampleId already in the gate with other content";
    private static final long SEED = 9002L;

    private final Duration scoreTimeout;
    private final Duration repeatWindow;

    public SamplePairing(Duration scoreTimeout, Duration repeatWindow) {
        this.scoreTimeout = scoreTimeout;
        this.repeatWindow = repeatWindow;
    }

    public Duration scoreTimeout() {
        return scoreTimeout;
    }

    public Duration repeatWindow() {
        return repeatWindow;
    }

    /** What one input does: what to store for its sampleId (null to delete), and what to emit. */
    public sealed interface Step {
        PendingSample store();
    }

    /** Nothing to emit yet. */
    public record Wait(PendingSample store) implements Step {
    }

    /** A candidate is ready for the gate, with its score or, after the timeout, without one. */
    public record Release(Candidate candidate, ScoredCandidate score, long sinceMillis, PendingSample store)
            implements Step {
    }

    /** The candidate is a copy of one already in the gate: dead-letter it; the stored entry stays. */
    public record Reject(String reason, PendingSample store) implements Step {
    }

    /** The score belongs to no candidate still in the gate (a rejected copy's); the stored entry stays. */
    public record Drop(PendingSample store) implements Step {
    }

    public Step onCandidate(PendingSample current, Candidate candidate, long atMillis) {
        if (current == null || (current.score() != null && !sameSample(candidate, current.score()))) {
            // A waiting score of other content is a later copy's, whose candidate will be rejected.
            return new Wait(PendingSample.waitingCandidate(candidate, atMillis));
        }
        if (current.score() != null) {
            return release(candidate, current.score(), atMillis);
        }
        long hash = hash(candidate);
        long firstHash = current.isDecided() ? current.contentHash() : hash(current.candidate());
        String state = current.isDecided() ? "decided at " + Instant.ofEpochMilli(current.decidedMillis())
                : "waiting for its score since " + Instant.ofEpochMilli(current.sinceMillis());
        String reason = hash == firstHash
                ? REPEATED + " (" + state + "): a re-sent candidate is decided once"
                : CONFLICTING + " (" + state + "): a sampleId must name one sample; only the first copy is decided";
        return new Reject(reason, current);
    }

    public Step onScore(PendingSample current, ScoredCandidate score, long atMillis) {
        if (current == null) {
            return new Wait(PendingSample.waitingScore(score, atMillis));
        }
        if (current.candidate() != null && sameSample(current.candidate(), score)) {
            return release(current.candidate(), score, current.sinceMillis());
        }
        // A second score for a waiting score's sample is the same content scored again: keep the first.
        return new Drop(current);
    }

    /**
     * What stream time {@code nowMillis} does to a waiting entry: a candidate that waited out the
     * timeout is released unscored; a lone score is forgotten ({@link Wait} of null); anything
     * else stays (empty).
     */
    public Optional<Step> onTime(PendingSample waiting, long nowMillis) {
        if (waiting.sinceMillis() + scoreTimeout.toMillis() > nowMillis) {
            return Optional.empty();
        }
        if (waiting.candidate() != null) {
            // Not remembered: a candidate that timed out is sent again after a scoring outage, to be decided afresh.
            return Optional.of(new Release(waiting.candidate(), null, waiting.sinceMillis(), null));
        }
        return Optional.of(new Wait(null));
    }

    private Release release(Candidate candidate, ScoredCandidate score, long sinceMillis) {
        PendingSample after = repeatWindow.isZero() ? null : PendingSample.decided(hash(candidate), sinceMillis);
        return new Release(candidate, score, sinceMillis, after);
    }

    /** A score that does not carry its sample's text (the contract says it should) pairs by sampleId alone. */
    private static boolean sameSample(Candidate c, ScoredCandidate s) {
        if (s.prompt() == null && s.response() == null) {
            return true;
        }
        return c.datasetId().equals(s.datasetId()) && c.prompt().equals(s.prompt()) && c.response().equals(s.response());
    }

    /** Dataset, prompt and response, each length-prefixed so that no two splits of one text collide. */
    static long hash(Candidate c) {
        byte[][] parts = {c.datasetId().getBytes(StandardCharsets.UTF_8), c.prompt().getBytes(StandardCharsets.UTF_8),
                c.response().getBytes(StandardCharsets.UTF_8)};
        int length = 0;
        for (byte[] part : parts) {
            length += 4 + part.length;
        }
        ByteBuffer all = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            all.putInt(part.length).put(part);
        }
        return MurmurHash3.hash(all.array(), SEED)[0];
    }
}
