package dev.ballast.events;

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
}
