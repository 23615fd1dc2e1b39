package dev.ballast.streams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.events.JobStatus;
import dev.ballast.model.realign.InJvmLauncher;
import dev.ballast.streams.replay.DeadLetterLine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job line of the run report: a trained job's held-out figures, or that it kept the model in force. */
class RunReportTest {
    @Test
    void aTrainedJobShowsItsFiguresAndAJobWithNothingNewNamesTheModelItKept() {
        Map<String, Double> trained = Map.of("preferenceAccuracyBefore", 0.5, "preferenceAccuracyAfter", 1.0,
                "conflictAccuracyBefore", 0.0, "conflictAccuracyAfter", 1.0, "perplexityBefore", 1.06,
                "perplexityAfter", 1.06, "seconds", 12.0);
        assertEquals("; held-out preference accuracy 0.500 → 1.00, on conflicts 0.00 → 1.00, perplexity 1.06 → 1.06,"
                + " 12 s, model m-r2", RunReport.jobFigures(trained, status("m-r2", trained)));
        Map<String, Double> kept = Map.of(InJvmLauncher.ALREADY_ALIGNED, 1.0, "decisions", 600.0);
        assertEquals("; nothing new to learn, model m-r2 was already re-aligned on these decisions",
                RunReport.jobFigures(kept, status("m-r2", kept)));
        assertEquals("", RunReport.jobFigures(Map.of(), status(null, Map.of())));
    }

    @Test
    void deadLettersAreSummedByKindOfReasonMostFirst() {
        assertEquals("", RunReport.deadLetterKinds(List.of()));
        List<DeadLetterLine> dead = List.of(letter("timestamp: not ISO-8601 (got 'x')"), letter("agentId: required"),
                letter("timestamp: not ISO-8601 (got 'y')"));
        assertEquals(" (invalid_value 2, missing_field 1)", RunReport.deadLetterKinds(dead));
    }

    private static DeadLetterLine letter(String error) {
        return new DeadLetterLine("k", "{}", error, "agent.interactions", 0, 0L);
    }

    private static JobStatus status(String model, Map<String, Double> metrics) {
        return new JobStatus("job", JobStatus.State.SUCCEEDED, "cpu()", metrics, model, null,
                Instant.parse("2026-12-04T00:00:00Z"));
    }
}
