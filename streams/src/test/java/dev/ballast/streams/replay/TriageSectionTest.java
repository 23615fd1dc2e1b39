package dev.ballast.streams.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.JobStatus;
import dev.ballast.events.RealignJob;
import dev.ballast.model.realign.InJvmLauncher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's re-alignment jobs: the model cell says when a job kept the model it found, the state when none ran. */
class TriageSectionTest {
    @Test
    void modelCellMarksAModelKeptBecauseItAlreadyLearntTheData() {
        assertEquals("m-r2", TriageSection.modelCell(status("m-r2"), Map.of("preferenceAccuracyAfter", 1.0)));
        assertEquals("m-r2 (already re-aligned on this data; kept)",
                TriageSection.modelCell(status("m-r2"), Map.of(InJvmLauncher.ALREADY_ALIGNED, 1.0)));
        assertEquals("", TriageSection.modelCell(null, Map.of()));
    }

    /** A run that scored detection only (evaluate) created jobs but did not run them, and says so. */
    @Test
    void jobsARunDidNotRunAreMarkedNotRunAndOnesWithoutAStatusAreNot() {
        RealignJob job = new RealignJob("realign-alert-surge-p@1", "ALERT_SURGE", List.of("a1"), "p@1", "m",
                Map.of(), Map.of(), Instant.parse("2026-12-04T00:00:00Z"));
        String notRun = TriageSection.render(result(List.of("monitor", "triage", "trigger"), job), null);
        assertTrue(notRun.contains("Created by the trigger and not run here"), notRun);
        assertTrue(notRun.contains("<td>not run</td>"), notRun);
        String run = TriageSection.render(result(List.of("monitor", "triage", "trigger", ReplayRunner.JOBS_PROCESSOR),
                job), null);
        assertFalse(run.contains("not run"), run);
        assertTrue(run.contains("<td>no status</td>"), run);
    }

    private static ReplayRunner.Result result(List<String> processors, RealignJob job) {
        ReplaySummary summary = new ReplaySummary("embedded", Map.of(), Map.of(), 0, 0, 0, Map.of(), 0, processors,
                List.of(), 1, 0, Map.of(), null, Map.of(), Map.of(), Map.of(), 0, 0, 0);
        return new ReplayRunner.Result(summary, List.of(), List.of(), new dev.ballast.streams.eval.EventPositions(),
                List.of(), List.of(), List.of(job), List.of(), Map.of());
    }

    private static JobStatus status(String model) {
        return new JobStatus("job", JobStatus.State.SUCCEEDED, "cpu()", Map.of(), model, null,
                Instant.parse("2026-12-04T00:00:00Z"));
    }
}
