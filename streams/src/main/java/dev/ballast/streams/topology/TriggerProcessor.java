package dev.ballast.streams.topology;

import dev.ballast.events.RealignJob;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.trigger.RealignTrigger;
import dev.ballast.streams.trigger.TriggerState;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the {@link RealignTrigger} on every decision and alert, with its state in
 * {@value TriggerTopology#TRIGGER_STORE}. Under exactly-once the state update and the job record
 * commit together, so a restart neither forgets a job nor creates it twice.
 */
final class TriggerProcessor implements Processor<String, TriggerInput, String, RealignJob> {
    private static final String KEY = "state";
    private final RealignTrigger trigger;
    private final BallastMetrics metrics;
    private ProcessorContext<String, RealignJob> context;
    private KeyValueStore<String, TriggerState> store;

    TriggerProcessor(RealignTrigger trigger, BallastMetrics metrics) {
        this.trigger = trigger;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, RealignJob> context) {
        this.context = context;
        this.store = context.getStateStore(TriggerTopology.TRIGGER_STORE);
    }

    @Override
    public void process(Record<String, TriggerInput> record) {
        TriggerState stored = store.get(KEY);
        TriggerState state = stored == null ? TriggerState.empty() : stored;
        Optional<RealignJob> job = record.value() instanceof TriggerInput.OfDecision d
                ? trigger.onDecision(state, d.decision(), record.timestamp())
                : trigger.onAlert(state, ((TriggerInput.OfAlert) record.value()).alert(), record.timestamp());
        store.put(KEY, state);
        job.ifPresent(j -> {
            metrics.realignJobCreated(j.reason());
            context.forward(new Record<>(j.jobId(), j, record.timestamp()));
        });
    }
}
