package dev.ballast.streams.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Candidate;
import dev.ballast.events.ScoredCandidate;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SamplePairingTest {
    private static final long TIMEOUT = 60_000;
    private static final long WINDOW = 3_600_000;
    private final SamplePairing pairing = new SamplePairing(Duration.ofMillis(TIMEOUT), Duration.ofMillis(WINDOW));
    private final Candidate first = new Candidate("s1", "ds", "prompt", "an answer", "pipeline");
    private final Candidate other = new Candidate("s1", "ds", "prompt", "another answer", "pipeline");

    private static ScoredCandidate score(Candidate c) {
        return ScoredCandidate.of(c, 0.5, 1.0, "m1");
    }

    @Test
    void aCandidateWaitsForItsScoreThenIsReleasedWithItAndRemembered() {
        SamplePairing.Step wait = pairing.onCandidate(null, first, 1_000);
        assertInstanceOf(SamplePairing.Wait.class, wait);
        SamplePairing.Release r = assertInstanceOf(SamplePairing.Release.class,
                pairing.onScore(wait.store(), score(first), 2_000));
        assertEquals(first, r.candidate());
        assertEquals(0.5, r.score().gradNorm());
        assertEquals(1_000, r.sinceMillis(), "the candidate's time selects the policies in force");
        assertTrue(r.store().isDecided());
        assertNull(r.store().candidate(), "only a hash of a decided sample is kept");
    }

    @Test
    void aScoreThatArrivesFirstWaitsForItsCandidate() {
        SamplePairing.Step wait = pairing.onScore(null, score(first), 1_000);
        SamplePairing.Release r = assertInstanceOf(SamplePairing.Release.class,
                pairing.onCandidate(wait.store(), first, 1_500));
        assertEquals(1_500, r.sinceMillis());
    }

    @Test
    void aCopySentAgainIsRejectedWhileWaitingAndAfterTheDecision() {
        PendingSample waiting = pairing.onCandidate(null, first, 1_000).store();
        SamplePairing.Reject whileWaiting = assertInstanceOf(SamplePairing.Reject.class,
                pairing.onCandidate(waiting, first, 1_100));
        assertTrue(whileWaiting.reason().startsWith(SamplePairing.REPEATED), whileWaiting.reason());
        assertSame(waiting, whileWaiting.store(), "the first copy still waits");
        PendingSample decided = pairing.onScore(waiting, score(first), 1_200).store();
        // The model-runner scored the copy too: that score pairs with nothing.
        assertInstanceOf(SamplePairing.Drop.class, pairing.onScore(decided, score(first), 1_300));
        SamplePairing.Reject afterwards = assertInstanceOf(SamplePairing.Reject.class,
                pairing.onCandidate(decided, first, 1_000 + WINDOW - 1));
        assertTrue(afterwards.reason().contains("decided at"), afterwards.reason());
    }

    @Test
    void anotherSampleUnderTheSameIdIsRejectedAsConflictingAndItsScoreNeverPairsWithTheFirst() {
        PendingSample waiting = pairing.onCandidate(null, first, 1_000).store();
        SamplePairing.Reject conflict = assertInstanceOf(SamplePairing.Reject.class,
                pairing.onCandidate(waiting, other, 1_100));
        assertTrue(conflict.reason().startsWith(SamplePairing.CONFLICTING), conflict.reason());
        // The rejected copy's score comes first: it must not stand in for the first copy's.
        assertInstanceOf(SamplePairing.Drop.class, pairing.onScore(waiting, score(other), 1_200));
        SamplePairing.Release r = assertInstanceOf(SamplePairing.Release.class,
                pairing.onScore(waiting, score(first), 1_300));
        assertEquals("an answer", r.candidate().response());
        SamplePairing.Reject later = assertInstanceOf(SamplePairing.Reject.class,
                pairing.onCandidate(r.store(), other, 2_000));
        assertTrue(later.reason().startsWith(SamplePairing.CONFLICTING));
    }

    @Test
    void aWaitingScoreOfOtherContentGivesWayToTheFirstCandidate() {
        PendingSample copyScore = pairing.onScore(null, score(other), 1_000).store();
        SamplePairing.Step step = pairing.onCandidate(copyScore, first, 1_100);
        assertInstanceOf(SamplePairing.Wait.class, step);
        assertEquals(first, step.store().candidate());
        assertNull(step.store().score());
    }

    @Test
    void aScoreWithoutTheSamplesTextPairsBySampleIdAlone() {
        PendingSample waiting = pairing.onCandidate(null, first, 1_000).store();
        ScoredCandidate bare = new ScoredCandidate("s1", "ds", null, null, null, null, 0.7, 1.0, "m1", null);
        assertInstanceOf(SamplePairing.Release.class, pairing.onScore(waiting, bare, 1_100));
    }

    @Test
    void timeReleasesAnUnscoredCandidateAndDropsALoneScore() {
        PendingSample waiting = pairing.onCandidate(null, first, 1_000).store();
        assertTrue(pairing.onTime(waiting, 1_000 + TIMEOUT - 1).isEmpty());
        SamplePairing.Release r = assertInstanceOf(SamplePairing.Release.class,
                pairing.onTime(waiting, 1_000 + TIMEOUT).orElseThrow());
        assertNull(r.score());
        assertEquals(1_000, r.sinceMillis());
        assertNull(r.store(), "not remembered: sent again after a scoring outage, it is decided afresh");
        PendingSample loneScore = pairing.onScore(null, score(first), 5_000).store();
        assertNull(pairing.onTime(loneScore, 5_000 + TIMEOUT).orElseThrow().store(), "a score without candidate is dropped");
    }

    @Test
    void withoutARepeatWindowADecidedSampleIsForgottenAtOnce() {
        SamplePairing noWindow = new SamplePairing(Duration.ofMillis(TIMEOUT), Duration.ZERO);
        PendingSample waiting = noWindow.onCandidate(null, first, 1_000).store();
        assertNull(noWindow.onScore(waiting, score(first), 1_100).store());
    }

    @Test
    void theContentHashTellsWhereOneTextEndsAndTheNextBegins() {
        Candidate a = new Candidate("x", "ds", "ab", "c", null);
        Candidate b = new Candidate("x", "ds", "a", "bc", null);
        assertNotEquals(SamplePairing.hash(a), SamplePairing.hash(b));
        assertEquals(SamplePairing.hash(a), SamplePairing.hash(new Candidate("y", "ds", "ab", "c", "elsewhere")));
    }
}
