package dev.ballast.streams.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that holds the values written since the last commit in a hash map and writes
 * them to the store beneath (metered, changelogged) when Kafka Streams flushes its caches before
 * each commit, or when more than {@code maxHeld} of them wait. Kafka Streams' own record cache does
 * the same through a sorted map shared by every store of the thread: each put compares the key with
 * about log2(n) others and may evict, and that was 15% of the monitor's stream thread (JFR, with
 * its reads already served from decoded states) for keys only ever read and written one by one.
 *
 * <p>Exactly-once as Kafka's cache is: the held values reach the changelog inside the transaction
 * the commit ends, before its input offsets. A value is read from the held ones first. Scans write
 * every held value first, so they see them all; they are rare here (the monitor walks its agents
 * once per task start). Like the processor that owns it, the store belongs to one stream thread:
 * its map is not for other threads, and an interactive query (which Ballast does not offer on this
 * store) is answered by the store beneath, as of the last commit. A closed store drops what it
 * holds: Kafka Streams commits a task before closing it cleanly, and a task closed dirty has its
 * state restored from the changelog. Forwarding on flush (a KTable's cache) is not offered.
 *
 * <p>Values are held as they were put, the same objects: a value object the caller changes and puts
 * again is serialised (by the store beneath's serde) once per commit, not once per put; the caller
 * must not change a value it put without putting it again.
 *
 * <p>The one class of Ballast built on a Kafka Streams internal, {@link CachedStateStore}: its
 * {@code flushCache} is the only hook called before every commit. A Kafka upgrade must keep
 * {@code MonitorTopologyTest} (each commit carries every agent's latest state to the changelog)
 * and {@code SigkillRestartTest} green.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class WriteBehindStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {
    private final KeyValueStore<K, V> inner;
    private final int maxHeld;
    private final Map<K, V> held = new HashMap<>();

    WriteBehindStore(KeyValueStore<K, V> inner, int maxHeld) {
        if (maxHeld < 0) {
            throw new IllegalArgumentException("maxHeld must be at least 0, was " + maxHeld);
        }
        this.inner = inner;
        this.maxHeld = maxHeld;
    }

    /**
     * {@code inner} (a store builder with caching off) behind a write-behind layer holding at most
     * {@code maxHeld} values; 0 writes every value through at once.
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner,
                                                                        int maxHeld) {
        return new Builder<>(inner, maxHeld);
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        held.put(key, value);
        if (held.size() > maxHeld) {
            flushCache();
        }
    }

    @Override
    public V get(K key) {
        V value = held.get(key);
        return value != null ? value : inner.get(key);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V previous = get(key);
        if (previous == null) {
            put(key, value);
        }
        return previous;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> entry : entries) {
            put(entry.key, entry.value);
        }
    }

    @Override
    public V delete(K key) {
        V heldValue = held.remove(key);
        V stored = inner.delete(key);
        return heldValue != null ? heldValue : stored;
    }

    /** Writes every held value to the store beneath: called by Kafka Streams before each commit. */
    @Override
    public void flushCache() {
        if (held.isEmpty()) {
            return;
        }
        for (Map.Entry<K, V> entry : held.entrySet()) {
            inner.put(entry.getKey(), entry.getValue());
        }
        held.clear();
    }

    @Override
    public void clearCache() {
        held.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        flushCache();
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        flushCache();
        inner.commit(changelogOffsets);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        flushCache();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        flushCache();
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        flushCache();
        return inner.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        flushCache();
        return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        flushCache();
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        flushCache();
        return inner.approximateNumEntries();
    }

    /** Answered by the store beneath: the state as of the last commit (queries come from other threads). */
    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(context, root);
    }

    @Override
    public void close() {
        held.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    /** Builds the store beneath with its own builder (logging, metrics, serdes), then this layer around it. */
    private record Builder<K, V>(StoreBuilder<KeyValueStore<K, V>> inner, int maxHeld)
            implements StoreBuilder<KeyValueStore<K, V>> {
        Builder {
            inner.withCachingDisabled();
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            throw new UnsupportedOperationException("a write-behind store is its own cache");
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new WriteBehindStore<>(inner.build(), maxHeld);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
