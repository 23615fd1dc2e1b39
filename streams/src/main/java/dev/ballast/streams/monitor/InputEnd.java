package dev.ballast.streams.monitor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets a bounded run (a replay) tell the monitor that every input record has been processed. Each
 * monitor task then promises the group monitor that it will send nothing more, so the signals
 * still held for event-time order are judged at once instead of after the idle timeouts. A live
 * monitor never ends its input.
 */
public final class InputEnd {
    private final AtomicBoolean ended = new AtomicBoolean();

    /** Called once everything the run produced has been processed. */
    public void end() {
        ended.set(true);
    }

    public boolean ended() {
        return ended.get();
    }
}
