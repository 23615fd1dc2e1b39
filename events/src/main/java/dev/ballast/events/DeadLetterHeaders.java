package dev.ballast.events;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * Header names carried by every record on the dead-letter topic. The record keeps the original
 * key and value bytes untouched so that it can be inspected or re-driven as it was received.
 */
public final class DeadLetterHeaders {
    /** Why the record was rejected, a field-level message such as "timestamp: not ISO-8601". */
    public static final String ERROR = "ballast.error";
    public static final String SOURCE_TOPIC = "ballast.source.topic";
    public static final String SOURCE_PARTITION = "ballast.source.partition";
    public static final String SOURCE_OFFSET = "ballast.source.offset";

    private DeadLetterHeaders() {
    }

    /**
     * Adds the dead-letter headers to {@code headers}. {@code partition} and {@code offset} are
     * null for a record that never reached its topic (replay refuses an oversized line itself).
     */
    public static Headers add(Headers headers, String reason, String sourceTopic, Integer partition, Long offset) {
        headers.add(ERROR, utf8(reason));
        headers.add(SOURCE_TOPIC, utf8(sourceTopic));
        if (partition != null) {
            headers.add(SOURCE_PARTITION, utf8(partition.toString()));
        }
        if (offset != null) {
            headers.add(SOURCE_OFFSET, utf8(offset.toString()));
        }
        return headers;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
