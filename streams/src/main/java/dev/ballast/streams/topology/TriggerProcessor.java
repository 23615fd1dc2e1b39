package dev.ballast.streams.topology;

import dev.ballast.events.RealignJob;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import dev.ballast.streams.trigger.RealignTrigger;
import dev.ballast.streams.trigger.TriggerState;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the {@link RealignTrigger} on every decision and alert, with its state in
 * {@value TriggerTopology#TRIGGER_STORE}. Under exactly-once the state update and the job record
 * commit together, so a restart neither forgets a job nor creates it twice.
 *
 * <p>The trigger's answers depend on the order it counts in (the alert window, the cooldown between
 * policy versions), and alerts reach it from every monitor task through the alerts topic, in an
 * order that depends on how many partitions there are. So inputs wait in
 * {@value TriggerTopology#TRIGGER_ORDER_STORE}, keyed by event time, and are counted in that order:
 * in a live run once one of them has been held {@code orderGraceMs} of wall-clock time (with
 * everything that sorts before it), in a bounded run all at once when its input has ended, which
 * makes a replay's jobs the same at any partition count.
 */
final class TriggerProcessor implements Processor<String, TriggerInput, String, RealignJob> {
    private static final String KEY = "state";
    private final RealignTrigger trigger;
    private final long orderGraceMs;
    private final InputEnd inputEnd;
    private final BallastMetrics metrics;
    private ProcessorContext<String, RealignJob> context;
    private KeyValueStore<String, TriggerState> store;
    private EventTimeBuffer<Held> order;

    /** An input waiting its turn, with the wall-clock time it arrived. */
    record Held(TriggerInput input, long receivedAtMs) {
    }

    TriggerProcessor(RealignTrigger trigger, long orderGraceMs, InputEnd inputEnd, BallastMetrics metrics) {
        this.trigger = trigger;
        this.orderGraceMs = orderGraceMs;
        this.inputEnd = inputEnd;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, RealignJob> context) {
        this.context = context;
        this.store = context.getStateStore(TriggerTopology.TRIGGER_STORE);
        this.order = new EventTimeBuffer<>(context.getStateStore(TriggerTopology.TRIGGER_ORDER_STORE), (byte) 0,
                Held.class, metrics::triggerInputsHeld);
        context.schedule(EventTimeBuffer.releaseInterval(orderGraceMs), PunctuationType.WALL_CLOCK_TIME,
                this::releaseDue);
    }

    @Override
    public void close() {
        order.close();
    }

    @Override
    public void process(Record<String, TriggerInput> record) {
        long at = eventTime(record);
        if (inputEnd.triggerInputEnded() || !inputEnd.isBounded() && orderGraceMs == 0) {
            count(at, record.value());
            return;
        }
        // The same alert or decision twice (a re-send) is held, and counted, once.
        order.holdOnce(at, id(record.value()), new Held(record.value(), context.currentSystemTimeMs()));
    }

    /**
     * Counts what is due: in a bounded run whose input has ended, everything; in a live run, every
     * input up to the last one (in event-time order) that has been held for the grace.
     */
    private void releaseDue(long nowMs) {
        if (order.held() == 0) {
            return;
        }
        EventTimeBuffer.Handler<Held> counting = (at, held) -> count(at, held.input());
        if (inputEnd.triggerInputEnded()) {
            order.releaseAll(counting);
        } else if (!inputEnd.isBounded()) {
            order.releaseThroughLast(held -> held.receivedAtMs() <= nowMs - orderGraceMs, counting);
        }
    }

    private void count(long at, TriggerInput input) {
        if (order.handledLate(at, id(input))) {
            metrics.triggerInputLate();
        }
        TriggerState stored = store.get(KEY);
        TriggerState state = stored == null ? TriggerState.empty() : stored;
        Optional<RealignJob> job = input instanceof TriggerInput.OfDecision d
                ? trigger.onDecision(state, d.decision(), at)
                : trigger.onAlert(state, ((TriggerInput.OfAlert) input).alert(), at);
        store.put(KEY, state);
        job.ifPresent(j -> {
            metrics.realignJobCreated(j.reason());
            // Stamped when it is created, not at its event time: a replay of month-old logs made
            // jobs the broker's time-based retention could delete before the executor read them
            // (a demo hung waiting for two such jobs). createdAt keeps the event time.
            context.forward(new Record<>(j.jobId(), j, Math.max(at, context.currentSystemTimeMs())));
        });
    }

    /**
     * An alert's time is the event time of the interaction that raised it, as the agent stamped it:
     * the record's own timestamp is when it was produced, which in a replay says how fast the log
     * was read, not when the agents acted. But never later than that record time: an agent whose
     * clock runs ahead must not start a cooldown in the future that holds back every later job.
     * A triage decision carries no time of its own.
     */
    private static long eventTime(Record<String, TriggerInput> record) {
        return record.value() instanceof TriggerInput.OfAlert a && a.alert().eventTimestamp() != null
                ? Math.min(a.alert().eventTimestamp().toEpochMilli(), record.timestamp())
                : record.timestamp();
    }

    /** What orders inputs at the same instant: what they are, whatever partition they came through. */
    private static String id(TriggerInput input) {
        return input instanceof TriggerInput.OfDecision d
                ? "d\u0000" + d.decision().policyVersion() + '\u0000' + d.decision().pairId()
                : "a\u0000" + ((TriggerInput.OfAlert) input).alert().alertId();
    }
}
