package dev.ballast.streams.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parts of the replay report that are drawn from alerts. */
class ReportWriterTest {
    private static final boolean[] FLAGS = new boolean[100];

    private static Alert drift() {
        return new Alert("a", AlertType.DRIFT, "agent-1", null, "agent-1-r60", Instant.EPOCH, Instant.EPOCH,
                "bernoulli-cusum", 1.1, "p@1", Map.of("episode", 1, "changeStartEvent", 55));
    }

    private static long markers(String svg) {
        return svg.split("class=\"alert-marker", -1).length - 1L;
    }

    /** An escalated episode shows both alerts, and its heading says the type it ended with. */
    @Test
    void anAgentPlotShowsTheEscalationBesideTheAlertThatOpenedTheEpisode() {
        String plain = ReportWriter.agentPlot("agent-1", FLAGS, drift(), 60, -1);
        assertEquals(1, markers(plain));
        assertTrue(plain.contains("agent-1 (DRIFT)"), plain);
        String escalated = ReportWriter.agentPlot("agent-1", FLAGS, drift(), 60, 72);
        assertEquals(2, markers(escalated));
        assertTrue(escalated.contains("agent-1 (DRIFT, then TIPPING)"), escalated);
        assertTrue(escalated.contains("escalated to TIPPING at event 72"), escalated);
    }
}
