package dev.ballast.streams.topology;

import dev.ballast.events.Alert;
import dev.ballast.events.EventJson;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.monitor.InputEnd;
import dev.ballast.streams.monitor.KeyedIntake;
import dev.ballast.streams.trigger.RealignTrigger;
import dev.ballast.streams.trigger.TriggerState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The re-alignment trigger: counts triage conflicts and alignment alerts and asks for a job when
 * they cross the thresholds.
 *
 * <p>Input topics: triage decisions and alerts, as this application wrote them (read back,
 * committed only; a record some other producer wrote there that does not decode is dead-lettered). Output topic: re-alignment jobs (key jobId, value {@code RealignJob}). Internal
 * topic: {@value #TRIGGER_INPUT}, one partition, so that one task sees every count and every job
 * ever created (the volume is one record per decision and alert, far below the interactions').
 * State stores: {@value #TRIGGER_STORE} (one {@code TriggerState}) and {@value #TRIGGER_ORDER_STORE}
 * (decisions and alerts held to be counted in event-time order, {@link TriggerProcessor}).
 */
public final class TriggerTopology {
    public static final String TRIGGER_INPUT = "realign-trigger-input";
    public static final String TRIGGER_STORE = "realign-trigger";
    public static final String TRIGGER_ORDER_STORE = "realign-trigger-order";
    private static final String ONE_KEY = "trigger";

    private TriggerTopology() {
    }

    /** @param inputEnd how a bounded run says its alerts have all arrived (a live one never does) */
    public static void addTo(StreamsBuilder builder, BallastConfig config, InputEnd inputEnd, BallastMetrics metrics) {
        BallastConfig.TopicNames topics = config.topics();
        KStream<String, TriggerInput> decisions = KeyedIntake.decoded(builder, topics.triage(), "trigger-decision",
                        EventJson::readTriageDecision, TriageDecision::pairId, config, metrics)
                .mapValues(TriggerInput.OfDecision::new, Named.as("trigger-decision-input"));
        KStream<String, TriggerInput> alerts = KeyedIntake.decoded(builder, topics.alerts(), "trigger-alert",
                        EventJson::readAlert, TriggerTopology::subject, config, metrics)
                .mapValues(TriggerInput.OfAlert::new, Named.as("trigger-alert-input"));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRIGGER_STORE),
                Serdes.String(), JsonSerde.of(TriggerState.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TRIGGER_ORDER_STORE),
                Serdes.Bytes(), Serdes.ByteArray()));
        RealignTrigger trigger = new RealignTrigger(config.trigger(), topics.triage(), topics.preferences());
        decisions.merge(alerts, Named.as("trigger-input"))
                .selectKey((k, v) -> ONE_KEY, Named.as("trigger-key"))
                .repartition(Repartitioned.<String, TriggerInput>as(TRIGGER_INPUT)
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(TriggerInput.class))
                        .withNumberOfPartitions(1))
                .process(() -> new TriggerProcessor(trigger, config.trigger().orderGraceMs(), inputEnd, metrics),
                        Named.as("trigger"), TRIGGER_STORE, TRIGGER_ORDER_STORE)
                .to(topics.jobs(), Produced.with(Serdes.String(), JsonSerde.of(RealignJob.class))
                        .withName("realign-jobs-sink"));
    }

    private static String subject(Alert alert) {
        return alert.agentId() != null ? alert.agentId() : alert.groupId() != null ? alert.groupId() : alert.alertId();
    }
}
