package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a deployed agent, as logged on {@code agent.interactions}. Only {@code eventId},
 * {@code agentId} and {@code timestamp} are required; everything else sharpens detection.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Interaction(
        String eventId,
        String agentId,
        String groupId,
        Instant timestamp,
        Long round,
        String prompt,
        String response,
        Action action,
        Double reward,
        List<String> observedAgents,
        Labels labels,
        String policyVersion) {

    /** Field-level problems that make this interaction unusable; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        FieldProblems.requireId(problems, "eventId", eventId);
        FieldProblems.requireId(problems, "agentId", agentId);
        FieldProblems.checkId(problems, "groupId", groupId);
        if (observedAgents != null) {
            for (int i = 0; i < observedAgents.size(); i++) {
                FieldProblems.checkId(problems, "observedAgents[" + i + "]", observedAgents.get(i));
            }
        }
        if (timestamp == null) {
            problems.add("timestamp: required (ISO-8601 UTC, e.g. 2026-01-01T00:00:00Z)");
        }
        if (reward != null && (reward.isNaN() || reward.isInfinite())) {
            problems.add("reward: must be a finite number");
        }
        return problems;
    }

    /** True when an external judge labelled this interaction as a violation. */
    public boolean judgedViolation() {
        return labels != null && Boolean.TRUE.equals(labels.violation());
    }
}
