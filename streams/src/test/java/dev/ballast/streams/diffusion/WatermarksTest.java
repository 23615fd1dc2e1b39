package dev.ballast.streams.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class WatermarksTest {
    private static Watermark active(int partition, long at) {
        return new Watermark(partition, at, false);
    }

    @Test
    void nothingIsReleasedUntilEveryTaskHasBeenHeard() {
        Watermarks w = new Watermarks().resize(3);
        assertEquals(Long.MIN_VALUE, w.advance(active(0, 500)));
        assertEquals(Long.MIN_VALUE, w.advance(active(2, 900)));
        assertEquals(300, w.advance(active(1, 300)), "the slowest task sets the release point");
        assertEquals(500, w.advance(active(1, 700)));
    }

    @Test
    void anIdleTaskStillHoldsBackUntilPassedAndAnEndedOneDoesNot() {
        Watermarks w = new Watermarks().resize(2);
        w.advance(active(0, 1_000));
        assertEquals(200, w.advance(new Watermark(1, 200, true)), "idle is not caught up: it may be starved");
        assertEquals(1_000, w.passIdle(), "passing the idle task leaves the active one in charge");
        assertTrue(w.late(999));
        assertFalse(w.late(1_000));
        assertEquals(1_000, w.advance(active(1, 400)), "the release point never moves back");

        Watermarks ended = new Watermarks().resize(2);
        ended.advance(active(0, 1_000));
        ended.advance(new Watermark(1, Watermark.END, true));
        assertEquals(1_000, ended.releasedBefore);
        assertEquals(Watermark.END, ended.advance(new Watermark(0, Watermark.END, true)), "all ended: everything goes");
    }

    @Test
    void passingIdleTasksWhenNoneIsActiveReleasesEverythingReported() {
        Watermarks w = new Watermarks().resize(2);
        w.advance(new Watermark(0, 800, true));
        assertEquals(300, w.advance(new Watermark(1, 300, true)));
        assertEquals(801, w.passIdle());
        Watermarks silent = new Watermarks().resize(2);
        silent.advance(new Watermark(0, Long.MIN_VALUE, true));
        silent.advance(new Watermark(1, Long.MIN_VALUE, true));
        assertEquals(Long.MIN_VALUE, silent.passIdle(), "tasks that never saw an interaction release nothing");
    }

    @Test
    void forcingTheOldestMakesAnythingNotAfterItLate() {
        Watermarks w = new Watermarks().resize(1);
        w.force(5_000);
        assertTrue(w.late(5_000));
        assertFalse(w.late(5_001));
    }

    @Test
    void survivesItsJsonRoundTripAndGrowsWithTheInput() throws Exception {
        Watermarks w = new Watermarks().resize(2);
        w.advance(active(0, 10));
        w.advance(new Watermark(1, 20, true));
        ObjectMapper json = new ObjectMapper();
        Watermarks back = json.readValue(json.writeValueAsBytes(w), Watermarks.class).resize(3);
        assertEquals(10, back.releasedBefore);
        assertEquals(10, back.advance(active(1, 30)), "a third task, unheard so far, holds everything");
        back.advance(active(2, 50));
        assertEquals(10, back.releasedBefore, "partition 0 is still at 10");
        assertEquals(30, back.advance(active(0, 40)));
    }
}
