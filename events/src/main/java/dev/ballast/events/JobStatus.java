package dev.ballast.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;

/**
 * Progress and outcome of a re-alignment job, on {@code realign.status} (keyed by {@code jobId}):
 * QUEUED when the executor takes the job, RUNNING with {@code step}/{@code loss} in
 * {@code metrics} while it trains, then SUCCEEDED (with the new {@code modelVersion} and the
 * before/after figures) or FAILED (with {@code error}). The last status of a job is its outcome.
 *
 * @param device  where it ran ({@code cpu()}, {@code gpu(0)}, or the external launcher's command name)
 * @param metrics numbers by name; see the README's "Re-alignment jobs" for each one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStatus(String jobId, State state, String device, Map<String, Double> metrics, String modelVersion,
                        String error, Instant at) {

    /** A job's lifecycle. */
    public enum State { QUEUED, RUNNING, SUCCEEDED, FAILED;

        public boolean terminal() {
            return this == SUCCEEDED || this == FAILED;
        }
    }
}
