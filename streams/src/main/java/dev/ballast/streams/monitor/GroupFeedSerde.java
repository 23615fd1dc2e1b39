package dev.ballast.streams.monitor;

import dev.ballast.events.JsonSerde;
import dev.ballast.streams.diffusion.GroupFeed;
import dev.ballast.streams.diffusion.GroupSignal;
import dev.ballast.streams.diffusion.GroupSignalCodec;
import dev.ballast.streams.diffusion.Watermark;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The group topic's values: a signal in {@link GroupSignalCodec}'s layout (its first byte is
 * {@link GroupSignalCodec#LAYOUT}), or a watermark (a byte of its own, then partition, time and
 * idle flag). Records an earlier version left on the topic as JSON (they start with '{') are read
 * as before, so an upgrade needs no drained topic.
 */
final class GroupFeedSerde {
    private static final byte WATERMARK = 2;
    private static final Deserializer<GroupFeed> JSON = JsonSerde.of(GroupFeed.class).deserializer();

    private GroupFeedSerde() {
    }

    static Serde<GroupFeed> create() {
        return Serdes.serdeFrom((topic, feed) -> encode(feed), GroupFeedSerde::decode);
    }

    static byte[] encode(GroupFeed feed) {
        if (feed == null) {
            return null;
        }
        if (feed instanceof GroupSignal signal) {
            return GroupSignalCodec.encode(signal);
        }
        Watermark mark = (Watermark) feed;
        return ByteBuffer.allocate(1 + 4 + 8 + 1).put(WATERMARK).putInt(mark.partition()).putLong(mark.at())
                .put((byte) (mark.idle() ? 1 : 0)).array();
    }

    static GroupFeed decode(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length > 0 && bytes[0] == WATERMARK) {
            ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            return new Watermark(b.getInt(), b.getLong(), b.get() == 1);
        }
        if (bytes.length > 0 && bytes[0] == GroupSignalCodec.LAYOUT) {
            return GroupSignalCodec.decode(bytes);
        }
        return JSON.deserialize(topic, bytes);
    }
}
