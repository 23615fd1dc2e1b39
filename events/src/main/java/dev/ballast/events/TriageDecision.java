package dev.ballast.events;

import java.util.ArrayList;
import java.util.List;

/**
 * What to do with one preference pair under one policy version, on {@code triage.decisions}
 * (keyed by {@code pairId}); a pair gets one decision per policy version it is triaged against.
 *
 * @param impact           how much re-aligning on this pair matters: the severity weight of the
 *                         rules its chosen response breaks (0 for PRESERVE); re-alignment jobs
 *                         multiply it by the model's preference margin (README, "Triage")
 * @param policyVersion    {@code policyId@version} of the policy version it was triaged against
 * @param chosenViolates   ids of that version's rules the prompt with the chosen response breaks
 * @param rejectedViolates ids of that version's rules the prompt with the rejected response breaks
 */
public record TriageDecision(String pairId, Action action, double impact, String policyVersion,
                             List<String> chosenViolates, List<String> rejectedViolates) {

    /** Field-level problems that make this decision unusable; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        FieldProblems.requireId(problems, "pairId", pairId);
        FieldProblems.requireName(problems, "policyVersion", policyVersion);
        if (action == null) {
            problems.add("action: required (INVERT, DISCARD or PRESERVE)");
        }
        return problems;
    }

    /** The hybrid re-alignment objective's treatment of the pair. */
    public enum Action {
        /** The chosen response now violates and the rejected one complies: learn the swapped preference. */
        INVERT,
        /** Both responses violate: neither is a good example; unlearn the chosen one, boundedly. */
        DISCARD,
        /** No conflict with the policy: keep the preference as it is. */
        PRESERVE
    }
}
