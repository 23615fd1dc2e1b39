package dev.ballast.streams.monitor;

import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.EventJson;
import dev.ballast.streams.metrics.BallastMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Writes rejected records to the dead-letter topic with their original key and bytes (headers
 * carry the reason), and makes the letters of records a processor rejects after intake.
 */
public final class DeadLetters {
    private DeadLetters() {
    }

    /** {@code kind} names the processor nodes ({@code <kind>-dead-letter}, {@code <kind>-dlq-sink}). */
    public static <T> void to(KStream<String, Intake<T>> invalid, String dlq, String kind) {
        sink(invalid, v -> (Intake.Invalid<T>) v, dlq, kind);
    }

    private static <V> void sink(KStream<String, V> letters, Function<V, Intake.Invalid<?>> letterOf, String dlq,
                                 String kind) {
        letters.map((k, v) -> {
            Intake.Invalid<?> bad = letterOf.apply(v);
            return KeyValue.pair(bad.originalKey(), bad.originalValue());
        }, Named.as(kind + "-dead-letter"))
                .to(dlq, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(kind + "-dlq-sink"));
    }

    /** A processor's output bound for the dead-letter topic rather than its sinks. */
    public interface Letter {
        Intake.Invalid<?> letter();
    }

    /**
     * Sends the {@link Letter}s among a processor's outputs to the dead-letter topic and returns
     * the other outputs. {@code kind} names the nodes ({@code <kind>-letters}, {@code <kind>-outputs}, and
     * the sink's, as {@link #to} does).
     */
    public static <V> KStream<String, V> divert(KStream<String, V> outputs, String dlq, String kind) {
        Map<String, KStream<String, V>> split = outputs.split(Named.as(kind + "-"))
                .branch((k, v) -> v instanceof Letter, Branched.as("letters"))
                .defaultBranch(Branched.as("outputs"));
        sink(split.get(kind + "-letters"), v -> ((Letter) v).letter(), dlq, kind);
        return split.get(kind + "-outputs");
    }

    /**
     * The letter for a record a processor rejects after intake (a re-sent interaction or
     * candidate), counted: its original bytes are not kept past intake, so the value is the event
     * re-encoded as it was read; the headers are the usual ones, naming where {@code meta} read it.
     */
    public static <T> Record<String, Intake.Invalid<T>> afterIntake(Record<String, ?> record, RecordMetadata meta,
                                                                    T event, String reason, BallastMetrics metrics) {
        Headers headers = DeadLetterHeaders.add(new RecordHeaders(record.headers().toArray()), reason, meta.topic(),
                meta.partition(), meta.offset());
        metrics.deadLetter(meta.topic(), reason);
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        return new Record<>(record.key(), new Intake.Invalid<>(key, EventJson.write(event), reason), record.timestamp(),
                headers);
    }
}
