package dev.ballast.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertTest {
    private static Alert alert(String agent, Object episode, boolean escalation) {
        Map<String, Object> evidence = escalation ? Map.of("episode", episode, Alert.ESCALATED_FROM, "DRIFT")
                : Map.of("episode", episode);
        return new Alert("id", escalation ? AlertType.TIPPING : AlertType.DRIFT, agent, null, "e", Instant.EPOCH,
                Instant.EPOCH, "d", 1, "p@1", evidence);
    }

    /** An escalation belongs to the opening of the same agent and episode, however the number was read. */
    @Test
    void anEscalationBelongsToTheEpisodeItNames() {
        Alert opening = alert("a", 3L, false);
        assertTrue(alert("a", 3, true).escalates(opening), "Integer read back from JSON, Long when fresh");
        assertFalse(alert("a", 4, true).escalates(opening), "another episode");
        assertFalse(alert("b", 3, true).escalates(opening), "another agent");
        assertFalse(alert("a", 3, false).escalates(opening), "an opening escalates nothing");
    }
}
