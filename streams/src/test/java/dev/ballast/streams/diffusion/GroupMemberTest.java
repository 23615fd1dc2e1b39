package dev.ballast.streams.diffusion;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupMemberTest {
    private static final long MINUTE = 60_000;

    /** An agent acting once a minute from minute 1, breaking a rule at the given minutes. */
    private static GroupMember actingUntil(int lastMinute, int... violatingMinutes) {
        GroupMember m = new GroupMember();
        for (int t = 1; t <= lastMinute; t++) {
            int minute = t;
            m.observe(minute * MINUTE, Arrays.stream(violatingMinutes).anyMatch(v -> v == minute), List.of(), 8, 1_048_576);
        }
        return m;
    }

    @Test
    void aSightingShowsAViolationOnlyIfOneCameInTheTwoDecisionsBefore() {
        GroupMember m = actingUntil(40, 20);
        assertTrue(m.mayHaveShownViolation(21 * MINUTE));
        assertTrue(m.mayHaveShownViolation(22 * MINUTE));
        assertFalse(m.mayHaveShownViolation(20 * MINUTE), "the violation came with the sighting, not before");
        assertFalse(m.mayHaveShownViolation(23 * MINUTE));
    }

    @Test
    void whatItsMemoryDoesNotCoverMayHaveShownOne() {
        assertTrue(actingUntil(40).mayHaveShownViolation(MINUTE / 2), "seen before its first reported event");
        GroupMember legacy = actingUntil(40);
        legacy.violationsSince = 0;
        assertTrue(legacy.mayHaveShownViolation(30 * MINUTE), "state stored before violations were kept");
        int[] every = IntStream.rangeClosed(1, 40).toArray();
        assertTrue(actingUntil(40, every).mayHaveShownViolation(5 * MINUTE), "the ring has rolled past the sighting");
    }
}
