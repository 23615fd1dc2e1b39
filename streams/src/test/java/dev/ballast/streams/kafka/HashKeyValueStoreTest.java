package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HashKeyValueStoreTest {
    private final List<StateRestoreCallback> registered = new ArrayList<>();
    private final HashKeyValueStore store = new HashKeyValueStore("agents");
    private long offset;
    private String topic = "agent.interactions";

    @BeforeEach
    void init() {
        store.init(context(), store);
    }

    @Test
    void putsGetsAndDeletesByKey() {
        store.put(key("a"), value("1"));
        store.put(key("b"), value("2"));
        store.put(key("a"), value("3"));
        assertArrayEquals(value("3"), store.get(key("a")));
        assertArrayEquals(value("2"), store.delete(key("b")));
        assertNull(store.get(key("b")));
        store.put(key("a"), null);
        assertNull(store.get(key("a")), "a null value deletes, as in a compacted changelog");
        assertArrayEquals(null, store.putIfAbsent(key("c"), value("4")));
        assertArrayEquals(value("4"), store.putIfAbsent(key("c"), value("5")));
        assertArrayEquals(value("4"), store.get(key("c")));
        assertEquals(1, store.approximateNumEntries());
    }

    @Test
    void scansInKeyOrderWithInclusiveAndOpenBounds() {
        store.putAll(List.of(KeyValue.pair(key("b"), value("2")), KeyValue.pair(key("a"), value("1")),
                KeyValue.pair(key("ab"), value("3")), KeyValue.pair(key("c"), value("4"))));
        assertEquals(Set.of("a", "ab", "b", "c"), Set.copyOf(keys(store.all())), "all of them, in no order");
        assertEquals(List.of("c", "b", "ab", "a"), keys(store.reverseAll()));
        assertEquals(List.of("ab", "b"), keys(store.range(key("ab"), key("b"))));
        assertEquals(List.of("b", "ab"), keys(store.reverseRange(key("ab"), key("b"))));
        assertEquals(List.of("a", "ab"), keys(store.range(null, key("ab"))));
        assertEquals(List.of("b", "c"), keys(store.range(key("b"), null)));
        assertEquals(List.of(), keys(store.range(key("c"), key("a"))), "from after to is empty");
        assertEquals(List.of("a", "ab"), keys(store.prefixScan("a", Serdes.String().serializer())));
    }

    /** Writes during a walk over all entries never fail it, as Kafka's stores promise. */
    @Test
    void walkingAllEntriesWhileWritingNeverFails() {
        for (int i = 0; i < 1_000; i++) {
            store.put(key("k" + i), value("v"));
        }
        int seen = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                store.put(key("new" + seen), value("v"));
                store.delete(key("k" + (999 - seen)));
                it.next();
                seen++;
            }
        }
        assertTrue(seen >= 500 && seen <= 2_000, "walked " + seen);
    }

    @Test
    void anIteratorPeeksAndEndsAsKafkasDo() {
        store.put(key("a"), value("1"));
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            assertEquals(key("a"), it.peekNextKey());
            assertEquals(key("a"), it.next().key);
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::peekNextKey);
            assertThrows(NoSuchElementException.class, it::next);
        }
    }

    /** What a restart does: the changelog read back, deletions (null values) included. */
    @Test
    void restoresFromTheChangelogThroughTheRegisteredCallback() {
        assertEquals(1, registered.size());
        BatchingStateRestoreCallback restore = (BatchingStateRestoreCallback) registered.get(0);
        restore.restoreAll(List.of(KeyValue.pair(bytes("a"), value("1")), KeyValue.pair(bytes("b"), value("2")),
                KeyValue.pair(bytes("a"), null), KeyValue.pair(bytes("b"), value("3"))));
        assertNull(store.get(key("a")));
        assertArrayEquals(value("3"), store.get(key("b")));
        assertEquals(1, store.approximateNumEntries());
    }

    @Test
    void closingEmptiesTheStoreForItsNextRestore() {
        store.put(key("a"), value("1"));
        assertTrue(store.isOpen());
        assertFalse(store.persistent());
        store.close();
        assertFalse(store.isOpen());
        assertEquals(0, store.approximateNumEntries());
    }

    @Test
    void tracksTheInputPositionOfEachWriteAndAnswersQueriesAsUnknown() {
        offset = 41;
        store.put(key("a"), value("1"));
        offset = 42;
        store.delete(key("a"));
        assertEquals(42L, store.getPosition().getPartitionPositions("agent.interactions").get(3));
        var result = store.query(KeyQuery.withKey(key("a")), PositionBound.unbounded(), new QueryConfig(false));
        assertFalse(result.isSuccess());
        assertSame(org.apache.kafka.streams.query.FailureReason.UNKNOWN_QUERY_TYPE, result.getFailureReason());
    }

    /**
     * A write outside any input record (a punctuation, or a commit writing held values behind)
     * has record metadata without a topic: it moves no position, as in Kafka's own stores.
     */
    @Test
    void aWriteOutsideAnyInputRecordMovesNoPosition() {
        topic = null;
        store.put(key("a"), value("1"));
        assertArrayEquals(value("1"), store.get(key("a")));
        assertTrue(store.getPosition().isEmpty());
    }

    /** The two calls a store makes on its context; anything else would be a surprise, and fails. */
    private StateStoreContext context() {
        RecordMetadata metadata = (RecordMetadata) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RecordMetadata.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "topic" -> topic;
                    case "partition" -> 3;
                    case "offset" -> offset;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (StateStoreContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StateStoreContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "register" -> {
                        registered.add((StateRestoreCallback) args[1]);
                        yield null;
                    }
                    case "recordMetadata" -> Optional.of(metadata);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static List<String> keys(KeyValueIterator<Bytes, byte[]> it) {
        List<String> keys = new ArrayList<>();
        it.forEachRemaining(kv -> keys.add(new String(kv.key.get(), StandardCharsets.UTF_8)));
        it.close();
        return keys;
    }

    private static Bytes key(String s) {
        return Bytes.wrap(bytes(s));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(String s) {
        return bytes(s);
    }
}
