package dev.ballast.streams.topology;

import dev.ballast.events.EventJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records a processor holds back to handle them in event-time order rather than in the order they
 * arrived, which depends on how many partitions fed them (the group monitor's signals, the
 * trigger's alerts and decisions, the gate's scored candidates). They wait in a key-value store (as
 * JSON, or as a given {@link Codec} writes them), so a restart keeps them, under keys that sort by
 * event time, then by an id that makes the order total whatever partition a record came through.
 * The keys start with one prefix byte, so the store can keep other entries under other prefixes.
 *
 * @param <T> the held records' type
 */
final class EventTimeBuffer<T> {
    /** What a released record is handed to: its event time and the record. */
    interface Handler<T> {
        void handle(long eventTime, T value);
    }

    /** How held records are stored: written with {@code encode}, read back with {@code decode}. */
    record Codec<T>(Function<T, byte[]> encode, Function<byte[], T> decode) {
    }

    private final KeyValueStore<Bytes, byte[]> store;
    private final byte prefix;
    private final Bytes from;
    private final Bytes to;
    private final Codec<T> codec;
    private final LongConsumer heldGauge;
    private long held;
    /** Key of the last record handled in order since this task started. */
    private Bytes handledThrough;
    /**
     * No held key sorts before this one. Released records are deleted, and a scan from the bare
     * prefix made RocksDB step over the tombstones of everything released since its last
     * compaction, on every release (a watermark comes every 100 group signals): a replay of
     * 415,000 grouped interactions took 125 s, 84 s with scans starting here, the group monitor
     * working through its backlog at about 4,000 signals/s before and 14,000 after.
     */
    private Bytes lowest;

    /** Holds records as JSON; {@code heldGauge} is told every change in the number of records held. */
    EventTimeBuffer(KeyValueStore<Bytes, byte[]> store, byte prefix, Class<T> type, LongConsumer heldGauge) {
        this(store, prefix, json(type), heldGauge);
    }

    /** Holds records as {@code codec} writes them; {@code heldGauge} is told every change in the number held. */
    EventTimeBuffer(KeyValueStore<Bytes, byte[]> store, byte prefix, Codec<T> codec, LongConsumer heldGauge) {
        this.store = store;
        this.prefix = prefix;
        this.from = Bytes.wrap(new byte[]{prefix});
        this.to = Bytes.wrap(new byte[]{(byte) (prefix + 1)});
        this.codec = codec;
        this.heldGauge = heldGauge;
        this.lowest = from;
        try (KeyValueIterator<Bytes, byte[]> all = store.range(from, to)) {
            all.forEachRemaining(e -> held++);
        }
        heldGauge.accept(held);
    }

    /**
     * How often a processor holding records for {@code graceMs} of wall-clock time looks for those
     * due: a quarter of the grace, so none waits much past it, between 10 ms and 1 s.
     */
    static Duration releaseInterval(long graceMs) {
        return Duration.ofMillis(Math.max(10, Math.min(1_000, graceMs / 4)));
    }

    long held() {
        return held;
    }

    /** The key {@code value} is held under: prefix, event time, id. */
    private Bytes key(long eventTime, String id) {
        return key(eventTime, id.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Notes that the record at ({@code eventTime}, {@code id}) is being handled, released or not:
     * true if one sorting after it was handled before (it came later than the hold allowed for).
     */
    boolean handledLate(long eventTime, String id) {
        Bytes key = key(eventTime, id);
        if (handledThrough != null && key.compareTo(handledThrough) < 0) {
            return true;
        }
        handledThrough = key;
        return false;
    }

    /** Holds {@code value} under an id no other held record has. */
    void hold(long eventTime, byte[] id, T value) {
        Bytes key = key(eventTime, id);
        lowerTo(key);
        store.put(key, codec.encode().apply(value));
        held++;
        heldGauge.accept(1);
    }

    /** Holds {@code value}; a record held under the same (event time, id) is replaced, and held once. */
    void holdOnce(long eventTime, String id, T value) {
        Bytes key = key(eventTime, id);
        lowerTo(key);
        if (store.get(key) == null) {
            held++;
            heldGauge.accept(1);
        }
        store.put(key, codec.encode().apply(value));
    }

    /** Releases, in order, every record held. */
    void releaseAll(Handler<T> handler) {
        release(to, Long.MAX_VALUE, handler);
    }

    /** Releases, in order, every record with an event time before {@code eventTime}. */
    void releaseBefore(long eventTime, Handler<T> handler) {
        // A bare time prefix: no held key equals it, and those at eventTime sort after it.
        release(prefixOf(eventTime), Long.MAX_VALUE, handler);
    }

    /** Releases the first record in order, if any. */
    void releaseFirst(Handler<T> handler) {
        release(to, 1, handler);
    }

    /**
     * Releases, in order, every record up to the last one that matches {@code due} (nothing if none
     * does).
     */
    void releaseThroughLast(Predicate<T> due, Handler<T> handler) {
        long count = 0;
        long through = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(lowest, to)) {
            while (it.hasNext()) {
                count++;
                if (due.test(read(it.next().value))) {
                    through = count;
                }
            }
        }
        if (through > 0) {
            release(to, through, handler);
        }
    }

    /** Releases, in key order, at most {@code limit} records with keys before {@code bound}. */
    private void release(Bytes bound, long limit, Handler<T> handler) {
        if (lowest.compareTo(bound) > 0) {
            return;
        }
        List<Bytes> done = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(lowest, bound)) {
            while (it.hasNext() && done.size() < limit) {
                KeyValue<Bytes, byte[]> e = it.next();
                if (e.key.equals(bound)) {
                    break;
                }
                done.add(e.key);
                handler.handle(timeOf(e.key), read(e.value));
            }
        }
        done.forEach(store::delete);
        if (!done.isEmpty()) {
            lowest = done.get(done.size() - 1);
        }
        held -= done.size();
        heldGauge.accept(-done.size());
    }

    private void lowerTo(Bytes key) {
        if (key.compareTo(lowest) < 0) {
            lowest = key;
        }
    }

    /** Stops reporting this buffer's records (its task is closing; the store keeps them). */
    void close() {
        heldGauge.accept(-held);
    }

    private Bytes key(long eventTime, byte[] id) {
        return Bytes.wrap(ByteBuffer.allocate(9 + id.length).put(prefix).putLong(eventTime ^ Long.MIN_VALUE).put(id)
                .array());
    }

    /** Prefix and event time with the sign bit flipped, so that unsigned byte order is time order. */
    private Bytes prefixOf(long eventTime) {
        return Bytes.wrap(ByteBuffer.allocate(9).put(prefix).putLong(eventTime ^ Long.MIN_VALUE).array());
    }

    private static long timeOf(Bytes key) {
        return ByteBuffer.wrap(key.get(), 1, 8).getLong() ^ Long.MIN_VALUE;
    }

    private T read(byte[] bytes) {
        return codec.decode().apply(bytes);
    }

    private static <T> Codec<T> json(Class<T> type) {
        return new Codec<>(EventJson::write, bytes -> EventJson.readStored(bytes, type, "held " + type.getSimpleName()));
    }
}
