package dev.ballast.events;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Ballast's own records on its own topics (outputs and internal topics). User
 * input is never read through this serde: it is consumed as bytes and decoded with
 * {@link EventJson}, so that a bad record becomes a dead letter rather than a thread failure.
 *
 * @param <T> the record type
 */
public final class JsonSerde<T> implements Serde<T> {
    private final Class<T> type;

    public JsonSerde(Class<T> type) {
        this.type = type;
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(type);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : EventJson.write(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            Decoded<T> decoded = EventJson.read(EventJson.LENIENT, bytes, type, v -> "");
            if (decoded instanceof Decoded.Ok<T> ok) {
                return ok.value();
            }
            throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic
                    + ": " + ((Decoded.Rejected<T>) decoded).reason());
        };
    }
}
