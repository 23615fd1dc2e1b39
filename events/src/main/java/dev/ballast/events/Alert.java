package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * A detection on {@code alignment.alerts}, keyed by its subject (agentId, or groupId for group
 * alerts). {@code triggerEventId} is the interaction at which the detector fired, which is how
 * detection delay is measured; {@code detectedAt} is wall-clock processing time.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
        String alertId,
        AlertType type,
        String agentId,
        String groupId,
        String triggerEventId,
        Instant eventTimestamp,
        Instant detectedAt,
        String detector,
        double score,
        String policyVersion,
        Map<String, Object> evidence) {
}
