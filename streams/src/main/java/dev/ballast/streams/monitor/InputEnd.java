package dev.ballast.streams.monitor;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets a bounded run (a replay) tell the application that its input has ended, in two steps. When
 * every input record has been processed ({@link #end()}), each monitor task promises the group
 * monitor that it will send nothing more, so the signals still held for event-time order are judged
 * at once instead of after the idle timeouts, and the gate decides the scored candidates it held,
 * in event-time order. When the alerts those signals raise have reached the
 * trigger too ({@link #endTriggerInput()}), the trigger judges everything it held, in event-time
 * order. A live run never ends its input.
 */
public final class InputEnd {
    private final boolean bounded;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean triggerInputEnded = new AtomicBoolean();

    private InputEnd(boolean bounded) {
        this.bounded = bounded;
    }

    /** A live run: its input never ends. */
    public static InputEnd live() {
        return new InputEnd(false);
    }

    /** A bounded run, which will say when its input has ended. */
    public static InputEnd bounded() {
        return new InputEnd(true);
    }

    public boolean isBounded() {
        return bounded;
    }

    /** Called once everything the run produced has been processed. */
    public void end() {
        ended.set(true);
    }

    public boolean ended() {
        return ended.get();
    }

    /** Called once, after {@link #end()}, every alert and triage decision has reached the trigger. */
    public void endTriggerInput() {
        triggerInputEnded.set(true);
    }

    public boolean triggerInputEnded() {
        return triggerInputEnded.get();
    }
}
