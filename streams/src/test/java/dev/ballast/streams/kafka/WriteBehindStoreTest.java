package dev.ballast.streams.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.TestStreamsProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteBehindStoreTest {
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(TestStreamsProperties.of("write-behind-store-test"));
    private KeyValueStore<String, byte[]> beneath;
    private WriteBehindStore<String, byte[]> store;

    private void open(int maxHeld) {
        beneath = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("agents"), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        store = new WriteBehindStore<>(beneath, maxHeld);
        store.init(context.getStateStoreContext(), store);
    }

    @AfterEach
    void close() {
        if (store != null && store.isOpen()) {
            store.close();
        }
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aValueIsHeldUntilTheCachesAreFlushedForACommit() {
        open(10);
        store.put("a", v("1"));
        store.put("a", v("2"));
        assertArrayEquals(v("2"), store.get("a"));
        assertNull(beneath.get("a"), "held, not yet written beneath");
        store.flushCache();
        assertArrayEquals(v("2"), beneath.get("a"), "the latest value, once");
        assertArrayEquals(v("2"), store.get("a"));
    }

    @Test
    void moreThanItsLimitWritesEveryHeldValue() {
        open(2);
        store.put("a", v("1"));
        store.put("b", v("2"));
        assertNull(beneath.get("a"));
        store.put("c", v("3"));
        assertArrayEquals(v("1"), beneath.get("a"));
        assertArrayEquals(v("3"), beneath.get("c"));
    }

    @Test
    void aLimitOfZeroWritesThrough() {
        open(0);
        store.put("a", v("1"));
        assertArrayEquals(v("1"), beneath.get("a"));
        assertThrows(IllegalArgumentException.class, () -> new WriteBehindStore<>(beneath, -1));
    }

    @Test
    void aDeleteRemovesTheHeldAndTheWrittenValue() {
        open(10);
        store.put("a", v("1"));
        store.flushCache();
        store.put("a", v("2"));
        assertArrayEquals(v("2"), store.delete("a"));
        assertNull(store.get("a"));
        assertNull(beneath.get("a"));
        store.put("b", v("3"));
        store.put("b", null);
        assertNull(store.get("b"), "a null value deletes, as in any Kafka Streams store");
    }

    @Test
    void scansAndCommitsSeeEveryHeldValue() {
        open(10);
        store.put("a", v("1"));
        store.putAll(List.of(KeyValue.pair("b", v("2"))));
        assertNull(store.putIfAbsent("c", v("3")));
        assertArrayEquals(v("3"), store.putIfAbsent("c", v("4")));
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        assertEquals(List.of("a", "b", "c"), keys);
        store.put("d", v("5"));
        store.commit(java.util.Map.of());
        assertArrayEquals(v("5"), beneath.get("d"));
    }

    @Test
    void aClosedStoreDropsWhatItHeld() {
        open(10);
        store.put("a", v("1"));
        store.close();
        assertTrue(!store.isOpen());
        open(10);
        assertNull(store.get("a"));
    }
}
