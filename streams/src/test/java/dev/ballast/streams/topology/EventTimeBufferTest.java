package dev.ballast.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.streams.TestStreamsProperties;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class EventTimeBufferTest {
    private static KeyValueStore<Bytes, byte[]> store() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("order"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(TestStreamsProperties.of("event-time-buffer-test"));
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    private static void hold(EventTimeBuffer<String> buffer, long time) {
        buffer.hold(time, ("id-" + time).getBytes(StandardCharsets.UTF_8), "r" + time);
    }

    /**
     * Scans start after the last released key (see the buffer's {@code lowest}); a record held
     * later under an earlier key must still be found, and in its order.
     */
    @Test
    void releasesARecordHeldBehindWhatWasAlreadyReleased() {
        List<String> released = new ArrayList<>();
        EventTimeBuffer<String> buffer = new EventTimeBuffer<>(store(), (byte) 1, String.class, n -> { });
        for (long t = 10; t <= 50; t += 10) {
            hold(buffer, t);
        }
        buffer.releaseBefore(35, (time, value) -> released.add(value));
        assertEquals(List.of("r10", "r20", "r30"), released);
        buffer.releaseBefore(35, (time, value) -> released.add(value));
        assertEquals(3, released.size(), "nothing left before 35");

        hold(buffer, 15);
        hold(buffer, 60);
        assertEquals(4, buffer.held());
        buffer.releaseFirst((time, value) -> released.add(value));
        buffer.releaseThroughLast("r50"::equals, (time, value) -> released.add(value));
        buffer.releaseAll((time, value) -> released.add(value));
        assertEquals(List.of("r10", "r20", "r30", "r15", "r40", "r50", "r60"), released);
        assertEquals(0, buffer.held());
    }
}
