package dev.ballast.streams.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.streams.sim.AgentKind;
import dev.ballast.streams.sim.GroundTruth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectionScorerTest {
    private static Alert alert(String agent, String event, AlertType type) {
        return new Alert(event, type, agent, null, event, Instant.EPOCH, Instant.EPOCH, "t", 1, "p@1", Map.of());
    }

    @Test
    void aReSentEventTakesNoPositionAsTheMonitorDoesNotJudgeIt() {
        EventPositions positions = new EventPositions();
        assertTrue(positions.add("a", "a-0", 1000));
        assertFalse(positions.add("a", "a-0", 1000));
        assertTrue(positions.add("a", "a-1", 2000));
        assertTrue(positions.add("a", "a-1", 3000), "the same id at another time is another event");
        assertTrue(positions.add("b", "a-0", 1000), "another agent's event with the same id");
        assertEquals(1, positions.position("a-1"));
        assertEquals(3, positions.eventCount("a"));
        assertEquals(4, positions.events());
    }

    @Test
    void countsDelaysInTheAgentsOwnEventsAndEarlyAlertsAsFalse() {
        EventPositions positions = new EventPositions();
        for (int i = 0; i < 100; i++) {
            positions.add("a", "a-" + i, i);
            positions.add("b", "b-" + i, i);
            positions.add("s", "s-" + i, i);
        }
        GroundTruth truth = new GroundTruth(1, 100, Instant.EPOCH, 60, List.of(
                new GroundTruth.AgentTruth("a", null, AgentKind.TIPPING, 0.01, 50, "a-50"),
                new GroundTruth.AgentTruth("b", null, AgentKind.TIPPING, 0.01, 60, "b-60"),
                new GroundTruth.AgentTruth("s", null, AgentKind.STABLE, 0.01, null, null)), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        DetectionScore score = new DetectionScorer(truth, positions).score(List.of(
                alert("a", "a-58", AlertType.TIPPING), alert("b", "b-10", AlertType.DRIFT),
                alert("b", "b-80", AlertType.DRIFT), alert("s", "s-5", AlertType.DRIFT)));
        DetectionScore.KindScore tipping = score.kinds().get("TIPPING");
        assertEquals(2, tipping.detected());
        assertEquals(1, tipping.typedDetected(), "b's alert after its change is DRIFT, not TIPPING");
        assertEquals(List.of(8L, 20L), tipping.delays());
        assertEquals(8.0, tipping.medianDelay());
        assertEquals(1, score.alertsBeforeChange());
        assertEquals(2, score.falseAlarms(), "one on the stable agent, one before b's change");
        assertEquals(100, score.stableEvents());
    }

    private static Alert inEpisode(String agent, String event, AlertType type, int episode, boolean escalation) {
        Map<String, Object> evidence = escalation ? Map.of("episode", episode, Alert.ESCALATED_FROM, "DRIFT")
                : Map.of("episode", episode);
        return new Alert(event, type, agent, null, event, Instant.EPOCH, Instant.EPOCH, "t", 1, "p@1", evidence);
    }

    /**
     * An escalation re-types its own episode: a tipping agent's DRIFT alert escalated in the same
     * episode is typed TIPPING, a drift agent's is not typed DRIFT any more, one in another episode
     * changes nothing, and an escalation is no alarm of its own on a stable agent.
     */
    @Test
    void anEscalationRetypesItsEpisodeAndIsNoAlarmOfItsOwn() {
        EventPositions positions = new EventPositions();
        for (int i = 0; i < 100; i++) {
            for (String agent : List.of("t", "u", "d", "s")) {
                positions.add(agent, agent + "-" + i, i);
            }
        }
        GroundTruth truth = new GroundTruth(1, 100, Instant.EPOCH, 60, List.of(
                new GroundTruth.AgentTruth("t", null, AgentKind.TIPPING, 0.01, 50, "t-50"),
                new GroundTruth.AgentTruth("u", null, AgentKind.TIPPING, 0.01, 50, "u-50"),
                new GroundTruth.AgentTruth("d", null, AgentKind.DRIFT, 0.01, 50, "d-50"),
                new GroundTruth.AgentTruth("s", null, AgentKind.STABLE, 0.01, null, null)), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
        DetectionScore score = new DetectionScorer(truth, positions).score(List.of(
                inEpisode("t", "t-58", AlertType.DRIFT, 1, false), inEpisode("t", "t-70", AlertType.TIPPING, 1, true),
                inEpisode("u", "u-58", AlertType.DRIFT, 2, false), inEpisode("u", "u-99", AlertType.TIPPING, 3, true),
                inEpisode("d", "d-55", AlertType.DRIFT, 1, false), inEpisode("d", "d-60", AlertType.TIPPING, 1, true),
                inEpisode("s", "s-5", AlertType.DRIFT, 1, false), inEpisode("s", "s-9", AlertType.TIPPING, 1, true)));
        DetectionScore.KindScore tipping = score.kinds().get("TIPPING");
        assertEquals(2, tipping.detected());
        assertEquals(1, tipping.typedDetected(), "t escalated in its episode; u's escalation is another episode's");
        assertEquals(List.of(8L, 8L), tipping.delays(), "the delay is the opening alert's");
        assertEquals(0, score.kinds().get("DRIFT").typedDetected(), "d's episode ended TIPPING");
        assertEquals(1, score.falseAlarms(), "s's escalation is not a second false alarm");
    }

    @Test
    void scoresUserLabelsThatNameOnlyTheChangedEventAndLeavesOutChangesMissingFromTheInput() {
        EventPositions positions = new EventPositions();
        for (int i = 0; i < 100; i++) {
            positions.add("a", "a-" + i, i);
            positions.add("d", "d-" + i, i);
            positions.add("s", "s-" + i, i);
        }
        // A user's own labels: no rounds, only the first changed event.
        GroundTruth truth = new GroundTruth(0, 0, null, 0, List.of(
                new GroundTruth.AgentTruth("a", null, AgentKind.TIPPING, 0, null, "a-40"),
                new GroundTruth.AgentTruth("d", null, AgentKind.DRIFT, 0, null, "d-999"),
                new GroundTruth.AgentTruth("s", null, AgentKind.STABLE, 0, null, null)), null, null, null, null, null, null);
        DetectionScore score = new DetectionScorer(truth, positions).score(List.of(
                alert("a", "a-52", AlertType.TIPPING), alert("d", "d-70", AlertType.DRIFT)));
        DetectionScore.KindScore tipping = score.kinds().get("TIPPING");
        assertEquals(1.0, tipping.recall());
        assertEquals(List.of(12L), tipping.delays());
        assertEquals(0, score.falseAlarms(), "changed agents are not counted as unchanged for lack of a round");
        assertEquals(100, score.stableEvents());
        assertEquals(List.of("d"), score.unplacedChanges());
        assertEquals(null, score.kinds().get("DRIFT"), "no drift agent could be scored");
        assertEquals("1 changed agent(s) not scored: their changeEventId is not among their interactions in the "
                + "input (d)", score.unplacedNote());
    }

    @Test
    void withoutUnchangedAgentsThereIsNoFalseAlarmRateToGive() {
        EventPositions positions = new EventPositions();
        for (int i = 0; i < 100; i++) {
            positions.add("a", "a-" + i, i);
        }
        GroundTruth truth = new GroundTruth(0, 0, null, 0, List.of(
                new GroundTruth.AgentTruth("a", null, AgentKind.DRIFT, 0, null, "a-40")), null, null, null, null, null, null);
        DetectionScore score = new DetectionScorer(truth, positions).score(List.of(
                alert("a", "a-10", AlertType.DRIFT), alert("a", "a-45", AlertType.DRIFT)));
        assertTrue(Double.isNaN(score.falseAlarmsPer100k()));
        assertEquals("1 before a change; no unchanged agent in the truth to count false alarms on",
                score.falseAlarmSentence());
    }
}
