package dev.ballast.streams.monitor;

import dev.ballast.events.DeadLetterHeaders;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.streams.metrics.BallastMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes raw user records. A valid record continues keyed by {@code keyOf(value)}; an invalid
 * one continues with its original key and bytes and the dead-letter headers (reason, source
 * topic, partition, offset) so the DLQ sink writes it exactly as received. Never throws on input.
 *
 * @param <T> the event type
 */
public final class IntakeProcessor<T> implements Processor<byte[], byte[], String, Intake<T>> {
    static final int KEPT_BYTES = 64 * 1024;
    private final Function<byte[], Decoded<T>> decoder;
    private final Function<T, String> keyOf;
    private final int maxRecordBytes;
    private final BallastMetrics metrics;
    private ProcessorContext<String, Intake<T>> context;

    /** {@code maxRecordBytes}: larger values are dead-lettered unread, their first {@value #KEPT_BYTES} bytes kept. */
    public IntakeProcessor(Function<byte[], Decoded<T>> decoder, Function<T, String> keyOf, int maxRecordBytes,
                           BallastMetrics metrics) {
        this.decoder = decoder;
        this.keyOf = keyOf;
        this.maxRecordBytes = maxRecordBytes;
        this.metrics = metrics;
    }

    /** The dead-letter reason of a record of {@code size} bytes over {@code maxRecordBytes}. */
    public static String tooLarge(long size, int maxRecordBytes) {
        return String.format("value: %d bytes, %s (%d); its first %d bytes are kept here",
                size, EventJson.TOO_LARGE, maxRecordBytes, Math.min(size, (long) KEPT_BYTES));
    }

    /** What a dead letter keeps of an oversized value: small enough for any producer and broker limit. */
    public static byte[] kept(byte[] value) {
        return Arrays.copyOf(value, Math.min(value.length, KEPT_BYTES));
    }

    @Override
    public void init(ProcessorContext<String, Intake<T>> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        byte[] value = record.value();
        boolean oversized = value != null && value.length > maxRecordBytes;
        Decoded<T> decoded = oversized ? Decoded.rejected(tooLarge(value.length, maxRecordBytes)) : decoder.apply(value);
        if (decoded instanceof Decoded.Ok<T> ok) {
            String key = keyOf.apply(ok.value());
            boolean sameKey = record.key() != null && Arrays.equals(record.key(), utf8(key));
            context.forward(record.withKey(key).withValue(new Intake.Valid<>(ok.value(), sameKey)));
            return;
        }
        String reason = ((Decoded.Rejected<T>) decoded).reason();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        Headers headers = DeadLetterHeaders.add(new RecordHeaders(record.headers().toArray()), reason, meta.topic(),
                meta.partition(), meta.offset());
        metrics.deadLetter(meta.topic(), reason);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        // A dead letter as large as the record could exceed the producer's or the broker's limit.
        byte[] kept = oversized ? kept(value) : value;
        context.forward(new Record<String, Intake<T>>(key, new Intake.Invalid<>(record.key(), kept, reason),
                record.timestamp(), headers));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
