package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * A preference pair from a user's alignment data on {@code preferences}, keyed by {@code pairId}:
 * for {@code prompt}, the annotators preferred {@code chosen} over {@code rejected}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreferencePair(String pairId, String datasetId, String prompt, String chosen, String rejected) {

    /** Field-level problems that make this pair unusable; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (pairId == null || pairId.isBlank()) {
            problems.add("pairId: required");
        }
        if (prompt == null) {
            problems.add("prompt: required (may be empty)");
        }
        if (chosen == null) {
            problems.add("chosen: required (may be empty)");
        }
        if (rejected == null) {
            problems.add("rejected: required (may be empty)");
        }
        return problems;
    }
}
