package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A candidate with its score under the model in force, on {@code finetune.scored}, keyed by
 * {@code sampleId}. {@code scoreError} (beyond the contract's fields) is set instead of
 * {@code gradNorm} when the model could not score the sample; the gate then quarantines it as
 * {@code NO_SCORE} at once instead of waiting for its timeout.
 *
 * @param gradNorm     L2 norm of the gradient of the sample's loss (mean token NLL of the response
 *                     given the prompt) with respect to the model's scored parameters
 * @param loss         that loss
 * @param modelVersion the model version that scored it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScoredCandidate(String sampleId, String datasetId, String prompt, String response, String source,
                              Instant timestamp, Double gradNorm, Double loss, String modelVersion, String scoreError) {

    public static ScoredCandidate of(Candidate c, double gradNorm, double loss, String modelVersion) {
        return new ScoredCandidate(c.sampleId(), c.datasetId(), c.prompt(), c.response(), c.source(), c.timestamp(),
                gradNorm, loss, modelVersion, null);
    }

    public static ScoredCandidate failed(Candidate c, String modelVersion, String error) {
        return new ScoredCandidate(c.sampleId(), c.datasetId(), c.prompt(), c.response(), c.source(), c.timestamp(),
                null, null, modelVersion, error);
    }

    /** This score without its sample's prompt and response, for where the candidate travels beside it. */
    public ScoredCandidate withoutText() {
        return prompt == null && response == null ? this
                : new ScoredCandidate(sampleId, datasetId, null, null, source, timestamp, gradNorm, loss, modelVersion,
                        scoreError);
    }

    /** True when it carries a usable score. */
    public boolean scored() {
        return gradNorm != null && Double.isFinite(gradNorm) && gradNorm >= 0;
    }

    /** Field-level problems that make this record unusable; empty when it is valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        FieldProblems.requireId(problems, "sampleId", sampleId);
        FieldProblems.requireId(problems, "datasetId", datasetId);
        FieldProblems.requireName(problems, "modelVersion", modelVersion);
        return problems;
    }
}
