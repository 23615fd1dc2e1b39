package dev.ballast.streams.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records a processor holds back to handle them in event-time order rather than in the order they
 * arrived, which depends on how many partitions fed them. They wait in a key-value store (so a
 * restart keeps them) under keys that sort by event time, then by an id that makes the order
 * total whatever partition a record came through.
 */
final class EventTimeBuffer {
    /** What a released record is handed to: its event time and its held bytes. */
    interface Handler {
        void handle(long eventTime, byte[] value);
    }

    private final KeyValueStore<Bytes, byte[]> store;
    private final LongConsumer heldGauge;
    private long held;

    /** @param heldGauge told every change in the number of records held */
    EventTimeBuffer(KeyValueStore<Bytes, byte[]> store, LongConsumer heldGauge) {
        this.store = store;
        this.heldGauge = heldGauge;
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            all.forEachRemaining(e -> held++);
        }
        heldGauge.accept(held);
    }

    long held() {
        return held;
    }

    /** Holds {@code value}; the same (event time, id) again replaces it and is held once. */
    void hold(long eventTime, String id, byte[] value) {
        Bytes key = key(eventTime, id);
        if (store.get(key) == null) {
            held++;
            heldGauge.accept(1);
        }
        store.put(key, value);
    }

    /** Releases, in order, every record held. */
    void releaseAll(Handler handler) {
        release(null, handler);
    }

    /**
     * Releases, in order, every record up to the last one whose value matches {@code due}
     * (nothing if none does).
     */
    void releaseThroughLast(Predicate<byte[]> due, Handler handler) {
        Bytes through = null;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                if (due.test(e.value)) {
                    through = e.key;
                }
            }
        }
        if (through != null) {
            release(through, handler);
        }
    }

    private void release(Bytes through, Handler handler) {
        List<Bytes> done = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> e = it.next();
                if (through != null && e.key.compareTo(through) > 0) {
                    break;
                }
                done.add(e.key);
                handler.handle(timeOf(e.key), e.value);
            }
        }
        done.forEach(store::delete);
        held -= done.size();
        heldGauge.accept(-done.size());
    }

    /** Stops reporting this buffer's records (its task is closing; the store keeps them). */
    void close() {
        heldGauge.accept(-held);
    }

    /** Event time with the sign bit flipped, so that unsigned byte order is time order, then the id. */
    static Bytes key(long eventTime, String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + idBytes.length).putLong(eventTime ^ Long.MIN_VALUE).put(idBytes)
                .array());
    }

    private static long timeOf(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
    }
}
