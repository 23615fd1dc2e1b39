package dev.ballast.streams.replay;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of {@code dlq.jsonl}: the dead-lettered record as received (key and value as UTF-8
 * text) and where it came from.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterLine(String key, String value, String error, String sourceTopic, Integer sourcePartition,
                             Long sourceOffset) {
}
