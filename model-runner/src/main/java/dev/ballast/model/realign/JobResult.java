package dev.ballast.model.realign;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * How a job ended: what the command launcher reads back from the result file, and what the in-JVM
 * launcher returns. {@code modelVersion} is the version it saved and published (null on failure).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResult(boolean succeeded, String modelVersion, Map<String, Double> metrics, String error) {

    public static JobResult failed(String error) {
        return new JobResult(false, null, Map.of(), error);
    }
}
