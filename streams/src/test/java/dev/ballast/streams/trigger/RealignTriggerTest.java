package dev.ballast.streams.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RealignTriggerTest {
    private static final long HOUR = 3_600_000;
    private final RealignTrigger trigger = new RealignTrigger(new TriggerSettings(3, 2, HOUR, HOUR, 0), "triage", "prefs");

    private static TriageDecision decision(String pair, TriageDecision.Action action, String version) {
        return new TriageDecision(pair, action, action == TriageDecision.Action.PRESERVE ? 0 : 3, version, List.of(),
                List.of());
    }

    private static Alert alert(String id, AlertType type, String version) {
        return new Alert(id, type, "agent", null, "e", Instant.EPOCH, Instant.EPOCH, "cusum", 1, version, Map.of());
    }

    @Test
    void conflictsCreateOneJobPerPolicyVersionAtTheThreshold() {
        TriggerState state = TriggerState.empty();
        List<RealignJob> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TriageDecision.Action action = i % 3 == 0 ? TriageDecision.Action.PRESERVE
                    : i % 3 == 1 ? TriageDecision.Action.INVERT : TriageDecision.Action.DISCARD;
            trigger.onDecision(state, decision("p" + i, action, "care@2"), i).ifPresent(jobs::add);
        }
        assertEquals(1, jobs.size());
        RealignJob job = jobs.get(0);
        assertEquals("realign-triage-conflicts-care@2", job.jobId());
        assertEquals("TRIAGE_CONFLICTS", job.reason());
        assertEquals(Map.of("INVERT", 2L, "DISCARD", 1L), job.counts(), "counts when it fired");
        assertEquals(Map.of("triageTopic", "triage", "preferencesTopic", "prefs", "policyVersion", "care@2"),
                job.datasetSelector());
        assertEquals(Instant.ofEpochMilli(4), job.createdAt(), "the third conflict");
    }

    @Test
    void cooldownDelaysAJobForTheNextVersionWithoutDroppingIt() {
        TriggerState state = TriggerState.empty();
        for (int i = 0; i < 3; i++) {
            trigger.onDecision(state, decision("a" + i, TriageDecision.Action.INVERT, "care@2"), 1000);
        }
        Optional<RealignJob> during = Optional.empty();
        for (int i = 0; i < 3; i++) {
            during = trigger.onDecision(state, decision("b" + i, TriageDecision.Action.INVERT, "care@3"), 2000);
        }
        assertTrue(during.isEmpty(), "within the cooldown");
        Optional<RealignJob> after = trigger.onDecision(state, decision("b9", TriageDecision.Action.INVERT, "care@3"),
                1000 + HOUR);
        assertEquals("care@3", after.orElseThrow().policyVersion());
    }

    @Test
    void alertsCountOnlyWithinTheWindowAndOnlyAlignmentTypes() {
        TriggerState state = TriggerState.empty();
        assertTrue(trigger.onAlert(state, alert("g1", AlertType.GATE_SURGE, "v@1"), 0).isEmpty());
        assertTrue(trigger.onAlert(state, alert("g2", AlertType.GATE_SURGE, "v@1"), 1).isEmpty());
        assertTrue(trigger.onAlert(state, alert("a1", AlertType.DRIFT, "v@1"), 10).isEmpty());
        assertTrue(trigger.onAlert(state, alert("a2", AlertType.TIPPING, "v@1"), 10 + HOUR).isEmpty(),
                "the first alert left the window");
        RealignJob job = trigger.onAlert(state, alert("a3", AlertType.DIFFUSION, "v@1"), 20 + HOUR).orElseThrow();
        assertEquals("ALERT_SURGE", job.reason());
        assertEquals(List.of("a2", "a3"), job.alertIds());
        assertEquals(Map.of("TIPPING", 1L, "DIFFUSION", 1L), job.counts());
        assertTrue(trigger.onAlert(state, alert("a4", AlertType.DRIFT, "v@1"), 30 + 3 * HOUR).isEmpty()
                        && trigger.onAlert(state, alert("a5", AlertType.DRIFT, "v@1"), 31 + 3 * HOUR).isEmpty(),
                "one job per (reason, policy version), ever");
    }

    /** An escalation re-types an episode already counted: one agent's episode is one alert, not two. */
    @Test
    void anEscalationIsNotCountedAgain() {
        TriggerState state = TriggerState.empty();
        Alert escalation = new Alert("a1-tipping", AlertType.TIPPING, "agent", null, "e", Instant.EPOCH, Instant.EPOCH,
                "paid-violation-cusum", 1.2, "v@1", Map.of("episode", 1, Alert.ESCALATED_FROM, "DRIFT"));
        assertTrue(trigger.onAlert(state, alert("a1", AlertType.DRIFT, "v@1"), 0).isEmpty());
        assertTrue(trigger.onAlert(state, escalation, 1).isEmpty(), "two alerts, one episode");
        RealignJob job = trigger.onAlert(state, alert("a2", AlertType.DRIFT, "v@1"), 2).orElseThrow();
        assertEquals(List.of("a1", "a2"), job.alertIds());
    }

    @Test
    void alertsUnderNoPolicyCallForNoJob() {
        TriggerState state = TriggerState.empty();
        for (int i = 0; i < 5; i++) {
            assertTrue(trigger.onAlert(state, alert("a" + i, AlertType.DRIFT, "none"), i).isEmpty());
        }
    }

    /** The state is one value in its store: years of policy versions must not grow it past what a changelog takes. */
    @Test
    void theStateKeepsNeitherAlertsThatLeftTheWindowNorCountsOfAVersionWithItsJob() {
        TriggerState state = TriggerState.empty();
        for (int v = 0; v < 5_000; v++) {
            // One alert per version, each an hour and more after the one before: none ever calls for a job.
            assertTrue(trigger.onAlert(state, alert("a" + v, AlertType.DRIFT, "care@" + v), v * (HOUR + 1)).isEmpty());
        }
        assertEquals(1, state.alerts().size(), "only the version whose alert is still in the window");
        for (int i = 0; i < 5; i++) {
            trigger.onDecision(state, decision("p" + i, TriageDecision.Action.INVERT, "care@1"), i);
        }
        assertEquals(Map.of(), state.conflicts(), "the job took the counts: none are kept after it");
        assertEquals(1, state.jobs().size());
        long last = 4_999 * (HOUR + 1);
        assertEquals("care@4999", trigger.onAlert(state, alert("b1", AlertType.DRIFT, "care@4999"), last + 10)
                .orElseThrow().policyVersion());
        assertEquals(Map.of(), state.alerts(), "the second alert in the window made the surge job, which took the marks");
        assertTrue(trigger.onAlert(state, alert("b2", AlertType.DRIFT, "care@4999"), last + 11).isEmpty());
        assertEquals(Map.of(), state.alerts(), "nor are alerts counted for a version that has its surge job");
        var serde = dev.ballast.events.JsonSerde.of(TriggerState.class);
        assertTrue(serde.serializer().serialize("t", state).length < 1_000, "a few hundred bytes, not 5,000 versions");
    }

    @Test
    void stateSurvivesTheStoresSerdeRoundTrip() {
        TriggerState state = TriggerState.empty();
        for (int i = 0; i < 3; i++) {
            trigger.onDecision(state, decision("a" + i, TriageDecision.Action.INVERT, "care@2"), i);
        }
        var serde = dev.ballast.events.JsonSerde.of(TriggerState.class);
        TriggerState restored = serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));
        assertTrue(trigger.onDecision(restored, decision("a9", TriageDecision.Action.INVERT, "care@2"), 9).isEmpty());
    }
}
