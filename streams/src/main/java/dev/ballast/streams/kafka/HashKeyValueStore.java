package dev.ballast.streams.kafka;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * An in-memory key-value store on a hash map, for state that is only ever read and written by key.
 * Kafka Streams' own in-memory store is a sorted map: every get and put compares the key with
 * about log2(n) others, which was 9% of the monitor's stream thread with 200,000 agents (JFR).
 * Here a get or put costs one hash of the key. {@link #all()} walks the map in no order, as its
 * contract allows (the monitor walks its agents once per task start); ordered scans (ranges,
 * prefixes, {@link #reverseAll()}) sort a copy of the matching entries, O(n log n) each, so use
 * this store only where those are rare.
 *
 * <p>Wrapped by {@link org.apache.kafka.streams.state.Stores#keyValueStoreBuilder} like any
 * supplied store, so logging (the changelog), metrics and serdes come from Kafka Streams. Not
 * persistent: at every start the whole changelog is read back through the restore callback
 * registered in {@link #init}. Interactive queries of the IQv2 kind are answered as unknown
 * query types.
 */
public final class HashKeyValueStore implements KeyValueStore<Bytes, byte[]> {
    private final String name;
    private final Map<Bytes, byte[]> map = new ConcurrentHashMap<>();
    private final Position position = Position.emptyPosition();
    private StateStoreContext context;
    private volatile boolean open;

    HashKeyValueStore(String name) {
        this.name = name;
    }

    /** A supplier of hash stores named {@code name}, for {@code Stores.keyValueStoreBuilder}. */
    public static KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new HashKeyValueStore(name);
            }

            @Override
            public String metricsScope() {
                return "in-memory-hash";
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        this.context = context;
        if (root != null) {
            context.register(root, (BatchingStateRestoreCallback) this::restoreAll);
        }
        open = true;
    }

    private void restoreAll(Collection<KeyValue<byte[], byte[]>> records) {
        for (KeyValue<byte[], byte[]> record : records) {
            if (record.key != null) {
                write(Bytes.wrap(record.key), record.value);
            }
        }
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Position getPosition() {
        return position;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public byte[] get(Bytes key) {
        return map.get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        write(key, value);
        advancePosition();
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] previous = map.get(key);
        if (previous == null) {
            put(key, value);
        }
        return previous;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> entry : entries) {
            write(entry.key, entry.value);
        }
        advancePosition();
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] previous = map.remove(key);
        advancePosition();
        return previous;
    }

    /** A null value deletes, as in every Kafka Streams store and in a compacted changelog. */
    private void write(Bytes key, byte[] value) {
        if (value == null) {
            map.remove(key);
        } else {
            map.put(key, value);
        }
    }

    /** The input offset this write came from, as Kafka's own stores track it for IQv2 bounds. */
    private void advancePosition() {
        if (context != null) {
            // A punctuation's or a commit's writes have metadata without a topic, and no position.
            context.recordMetadata().filter(meta -> meta.topic() != null).ifPresent(meta ->
                    position.withComponent(meta.topic(), meta.partition(), meta.offset()));
        }
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return scan(key -> within(key, from, to), false);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return scan(key -> within(key, from, to), true);
    }

    /** Every entry, in no order; weakly consistent, like the map beneath: never a concurrent-modification failure. */
    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return new EntryIterator(map.entrySet().iterator());
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return scan(key -> true, true);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        byte[] start = prefixKeySerializer.serialize(null, prefix);
        return scan(key -> key.get().length >= start.length
                && Arrays.equals(key.get(), 0, start.length, start, 0, start.length), false);
    }

    /** Both bounds inclusive, a null bound open, as {@link KeyValueStore#range} defines them. */
    private static boolean within(Bytes key, Bytes from, Bytes to) {
        return (from == null || key.compareTo(from) >= 0) && (to == null || key.compareTo(to) <= 0);
    }

    /** The matching entries as they are now, in key order (or reversed): later writes are not seen. */
    private KeyValueIterator<Bytes, byte[]> scan(Predicate<Bytes> matches, boolean reverse) {
        List<Map.Entry<Bytes, byte[]>> entries = new ArrayList<>();
        map.forEach((key, value) -> {
            if (matches.test(key)) {
                entries.add(Map.entry(key, value));
            }
        });
        Comparator<Map.Entry<Bytes, byte[]>> byKey = Map.Entry.comparingByKey();
        entries.sort(reverse ? byKey.reversed() : byKey);
        return new EntryIterator(entries.iterator());
    }

    @Override
    public long approximateNumEntries() {
        return map.size();
    }

    @Override
    public void flush() {
        // Nothing to write: the changelog, written by Kafka Streams' logging wrapper, is the durable copy.
    }

    @Override
    public void close() {
        map.clear();
        open = false;
    }

    /** A key-value iterator over map entries; closing it releases nothing. */
    private static final class EntryIterator implements KeyValueIterator<Bytes, byte[]> {
        private final Iterator<Map.Entry<Bytes, byte[]>> entries;
        private KeyValue<Bytes, byte[]> next;

        EntryIterator(Iterator<Map.Entry<Bytes, byte[]>> entries) {
            this.entries = entries;
            advance();
        }

        private void advance() {
            if (entries.hasNext()) {
                Map.Entry<Bytes, byte[]> entry = entries.next();
                next = KeyValue.pair(entry.getKey(), entry.getValue());
            } else {
                next = null;
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> current = next;
            advance();
            return current;
        }

        @Override
        public Bytes peekNextKey() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
            // Neither the map's iterator nor a sorted copy holds a resource.
        }
    }
}
