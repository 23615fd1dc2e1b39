package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A detection on {@code alignment.alerts}, keyed by its subject (agentId, or groupId for group
 * alerts). {@code triggerEventId} is the interaction at which the detector fired, which is how
 * detection delay is measured; {@code detectedAt} is wall-clock processing time.
 *
 * <p>One DRIFT or TIPPING alert opens an agent's episode. A DRIFT episode whose violations later
 * prove to pay gets one more alert, of type TIPPING, with {@code evidence.escalatedFrom}: an
 * {@linkplain #escalation() escalation} of the same episode ({@code evidence.episode}), not a new one.
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

    /** Evidence key naming the type an escalated episode was first alerted as. */
    public static final String ESCALATED_FROM = "escalatedFrom";

    /** Whether this alert re-types an episode already alerted, rather than opening one. */
    public boolean escalation() {
        return evidence != null && evidence.containsKey(ESCALATED_FROM);
    }

    /** Whether this alert escalates the episode {@code opening} opened: same agent, same episode. */
    public boolean escalates(Alert opening) {
        Object episode = opening.evidence() == null ? null : opening.evidence().get("episode");
        // Compared as text: an alert read back from JSON holds the number as an Integer, a fresh one as a Long.
        return escalation() && episode != null && Objects.equals(agentId, opening.agentId())
                && String.valueOf(episode).equals(String.valueOf(evidence.get("episode")));
    }

    /** Field-level problems that make this alert unusable; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        FieldProblems.requireId(problems, "alertId", alertId);
        if (type == null) {
            problems.add("type: required");
        }
        return problems;
    }
}
