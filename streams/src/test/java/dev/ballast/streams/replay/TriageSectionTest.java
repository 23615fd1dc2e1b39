package dev.ballast.streams.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ballast.events.JobStatus;
import dev.ballast.model.realign.InJvmLauncher;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's model cell says when a job kept the model it found. */
class TriageSectionTest {
    @Test
    void modelCellMarksAModelKeptBecauseItAlreadyLearntTheData() {
        assertEquals("m-r2", TriageSection.modelCell(status("m-r2"), Map.of("preferenceAccuracyAfter", 1.0)));
        assertEquals("m-r2 (already re-aligned on this data; kept)",
                TriageSection.modelCell(status("m-r2"), Map.of(InJvmLauncher.ALREADY_ALIGNED, 1.0)));
        assertEquals("", TriageSection.modelCell(null, Map.of()));
    }

    private static JobStatus status(String model) {
        return new JobStatus("job", JobStatus.State.SUCCEEDED, "cpu()", Map.of(), model, null,
                Instant.parse("2026-12-04T00:00:00Z"));
    }
}
