package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A fine-tuning sample proposed by a user's data pipeline on {@code finetune.candidates}, keyed by
 * {@code sampleId}. It reaches a training set only through {@code finetune.accepted}.
 *
 * @param timestamp when the pipeline proposed it (beyond the contract's fields, optional): selects
 *                  the policy versions it is judged against; without it the record's timestamp does
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Candidate(String sampleId, String datasetId, String prompt, String response, String source,
                        Instant timestamp) {

    public Candidate(String sampleId, String datasetId, String prompt, String response, String source) {
        this(sampleId, datasetId, prompt, response, source, null);
    }

    /** Field-level problems that make this candidate unusable; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        FieldProblems.requireId(problems, "sampleId", sampleId);
        FieldProblems.requireId(problems, "datasetId", datasetId);
        FieldProblems.requireText(problems, "prompt", prompt);
        FieldProblems.requireText(problems, "response", response);
        return problems;
    }
}
