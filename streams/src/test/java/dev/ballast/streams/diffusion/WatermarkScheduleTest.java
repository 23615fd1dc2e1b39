package dev.ballast.streams.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatermarkScheduleTest {
    @Test
    void aBacklogIsReportedEveryHundredInteractionsWithoutWallClockTimePassing() {
        WatermarkSchedule s = new WatermarkSchedule(3, 250, 2_000, 0);
        int reports = 0;
        for (int i = 1; i <= 1_000; i++) {
            Optional<Watermark> mark = s.onInteraction(i * 10L, 0);
            if (mark.isPresent()) {
                reports++;
                assertEquals(new Watermark(3, i * 10L, false), mark.get());
            }
        }
        assertEquals(1_000 / WatermarkSchedule.EVERY_RECORDS, reports);
    }

    @Test
    void slowTrafficIsReportedByTheIntervalAndTheTick() {
        WatermarkSchedule s = new WatermarkSchedule(0, 250, 2_000, 0);
        assertTrue(s.onInteraction(100, 10).isEmpty());
        assertEquals(Optional.of(new Watermark(0, 200, false)), s.onInteraction(200, 260));
        assertTrue(s.onInteraction(300, 300).isEmpty());
        assertEquals(Optional.of(new Watermark(0, 300, false)), s.onTick(510), "the tick sends what is pending");
        assertTrue(s.onTick(760).isEmpty(), "nothing new, not yet idle");
    }

    @Test
    void idlenessIsAnnouncedOnceAndTheNextInteractionEndsIt() {
        WatermarkSchedule s = new WatermarkSchedule(1, 250, 2_000, 0);
        assertEquals(Optional.of(new Watermark(1, Long.MIN_VALUE, true)), s.onTick(2_000),
                "a task that never saw an interaction is idle too");
        assertTrue(s.onTick(2_250).isEmpty());
        assertEquals(Optional.of(new Watermark(1, 700, false)), s.onInteraction(700, 2_300),
                "waking up is reported before the first signal");
        assertEquals(Optional.of(new Watermark(1, 700, true)), s.onTick(4_300));
    }

    @Test
    void theEndOfInputIsAnnouncedOnce() {
        WatermarkSchedule s = new WatermarkSchedule(2, 250, 2_000, 0);
        s.onInteraction(100, 0);
        assertEquals(Optional.of(new Watermark(2, Watermark.END, true)), s.onEnd());
        assertTrue(s.onEnd().isEmpty());
    }
}
