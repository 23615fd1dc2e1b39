package dev.ballast.streams.monitor;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** Writes rejected intake records to the dead-letter topic with their original key and bytes (headers carry the reason). */
public final class DeadLetters {
    private DeadLetters() {
    }

    /** {@code kind} names the processor nodes ({@code <kind>-dead-letter}, {@code <kind>-dlq-sink}). */
    public static <T> void to(KStream<String, Intake<T>> invalid, String dlq, String kind) {
        invalid.map((k, v) -> {
            Intake.Invalid<T> bad = (Intake.Invalid<T>) v;
            return KeyValue.pair(bad.originalKey(), bad.originalValue());
        }, Named.as(kind + "-dead-letter"))
                .to(dlq, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(kind + "-dlq-sink"));
    }
}
