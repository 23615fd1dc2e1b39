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
        FieldProblems.requireId(problems, "pairId", pairId);
        FieldProblems.checkId(problems, "datasetId", datasetId);
        FieldProblems.requireText(problems, "prompt", prompt);
        FieldProblems.requireText(problems, "chosen", chosen);
        FieldProblems.requireText(problems, "rejected", rejected);
        return problems;
    }
}
