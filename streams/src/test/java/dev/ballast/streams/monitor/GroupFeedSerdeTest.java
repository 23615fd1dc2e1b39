package dev.ballast.streams.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ballast.events.JsonSerde;
import dev.ballast.streams.diffusion.GroupFeed;
import dev.ballast.streams.diffusion.GroupSignal;
import dev.ballast.streams.diffusion.Watermark;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/** The group topic's values round-trip, and records an earlier version wrote as JSON are still read. */
class GroupFeedSerdeTest {
    private final Serde<GroupFeed> serde = GroupFeedSerde.create();

    @Test
    void signalsAndWatermarksRoundTripAndJsonOfEarlierVersionsIsRead() {
        List<GroupFeed> feeds = List.of(
                new GroupSignal("g", "a", "e", Instant.parse("2026-01-05T10:00:00.5Z"), true, true,
                        Instant.parse("2026-01-05T09:00:00Z"), List.of("b"), "p@1"),
                new Watermark(3, 1_767_600_000_000L, false),
                new Watermark(0, Watermark.END, true));
        Serde<GroupFeed> json = JsonSerde.of(GroupFeed.class);
        for (GroupFeed feed : feeds) {
            assertEquals(feed, serde.deserializer().deserialize("t", serde.serializer().serialize("t", feed)));
            assertEquals(feed, serde.deserializer().deserialize("t", json.serializer().serialize("t", feed)), "JSON");
        }
        assertNull(serde.serializer().serialize("t", null));
        assertNull(serde.deserializer().deserialize("t", null));
    }
}
