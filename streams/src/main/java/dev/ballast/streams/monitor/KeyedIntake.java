package dev.ballast.streams.monitor;

import dev.ballast.events.Decoded;
import dev.ballast.events.JsonSerde;
import dev.ballast.events.Policy;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The edge every user topic shares: records read as bytes, the ones that do not decode
 * dead-lettered with the reason, and the valid ones keyed by the id their value names (agentId,
 * sampleId, pairId), so one task owns each id.
 */
public final class KeyedIntake {
    private KeyedIntake() {
    }

    /**
     * The valid records of {@code topic} keyed by {@code id}. A record that arrived keyed by its id
     * is already on the right partition; anything else (no key, another key) is re-keyed through
     * the internal topic {@code rekeyTopic}. Processor nodes are named after {@code kind}.
     */
    public static <T> KStream<String, T> byId(StreamsBuilder builder, String topic, String kind,
                                              Function<byte[], Decoded<T>> reader, Function<T, String> id,
                                              Class<T> type, String rekeyTopic, int partitions, BallastConfig config,
                                              BallastMetrics metrics) {
        Map<String, KStream<String, Intake<T>>> routes = intake(builder, topic, kind, reader, id, config, metrics)
                .split(Named.as(kind + "-"))
                .branch((k, v) -> v instanceof Intake.Invalid<T>, Branched.as("invalid"))
                .branch((k, v) -> ((Intake.Valid<T>) v).arrivedKeyedByValue(), Branched.as("keyed"))
                .defaultBranch(Branched.as("rekey"));
        DeadLetters.to(routes.get(kind + "-invalid"), config.topics().dlq(), kind);
        KStream<String, T> keyed = routes.get(kind + "-keyed")
                .mapValues(v -> ((Intake.Valid<T>) v).value(), Named.as(kind + "-value"));
        KStream<String, T> rekeyed = routes.get(kind + "-rekey")
                .mapValues(v -> ((Intake.Valid<T>) v).value(), Named.as(kind + "-rekey-value"))
                .repartition(Repartitioned.<String, T>as(rekeyTopic)
                        .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(type))
                        .withNumberOfPartitions(partitions));
        return keyed.merge(rekeyed, Named.as(kind + "s-merged"));
    }

    /**
     * The valid records of {@code topic}, keyed by {@code id}, on the partition they arrived on
     * (for readers that re-key everything themselves); the rest dead-lettered with the reason.
     */
    public static <T> KStream<String, T> decoded(StreamsBuilder builder, String topic, String kind,
                                                 Function<byte[], Decoded<T>> reader, Function<T, String> id,
                                                 BallastConfig config, BallastMetrics metrics) {
        Map<String, KStream<String, Intake<T>>> routes = intake(builder, topic, kind, reader, id, config, metrics)
                .split(Named.as(kind + "-"))
                .branch((k, v) -> v instanceof Intake.Invalid<T>, Branched.as("invalid"))
                .defaultBranch(Branched.as("valid"));
        DeadLetters.to(routes.get(kind + "-invalid"), config.topics().dlq(), kind);
        return routes.get(kind + "-valid").mapValues(v -> ((Intake.Valid<T>) v).value(), Named.as(kind + "-value"));
    }

    private static <T> KStream<String, Intake<T>> intake(StreamsBuilder builder, String topic, String kind,
                                                       Function<byte[], Decoded<T>> reader, Function<T, String> id,
                                                       BallastConfig config, BallastMetrics metrics) {
        return builder
                .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(kind + "s-source"))
                .process(() -> new IntakeProcessor<>(reader, id, config.maxRecordBytes(), metrics),
                        Named.as(kind + "-intake"));
    }

    /**
     * Every accepted policy version copied to each of {@code partitions} partitions of the internal
     * topic {@code name}, so every task of the reading sub-topology holds every version.
     */
    public static KStream<String, Policy> broadcast(KStream<String, Policy> validPolicies, String name,
                                                    int partitions) {
        return validPolicies.repartition(Repartitioned.<String, Policy>as(name)
                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(Policy.class))
                .withNumberOfPartitions(partitions)
                .withStreamPartitioner(new BroadcastPartitioner<>()));
    }
}
