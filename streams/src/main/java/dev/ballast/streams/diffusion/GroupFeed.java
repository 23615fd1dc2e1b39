package dev.ballast.streams.diffusion;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What the per-agent monitor tasks send the group monitor: signals of grouped agents' events, and
 * each task's progress in event time ({@link Watermark}), so the group monitor can put signals
 * from many tasks back into event-time order.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = GroupSignal.class, name = "signal"),
        @JsonSubTypes.Type(value = Watermark.class, name = "watermark")})
public sealed interface GroupFeed permits GroupSignal, Watermark {
}
