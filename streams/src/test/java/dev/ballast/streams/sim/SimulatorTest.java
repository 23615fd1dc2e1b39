package dev.ballast.streams.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    @Test
    void sameSeedSameScenarioOtherSeedOtherScenario() {
        Scenario a = new Simulator(ScenarioSpec.defaults(20, 150, 5)).generate();
        Scenario b = new Simulator(ScenarioSpec.defaults(20, 150, 5)).generate();
        Scenario c = new Simulator(ScenarioSpec.defaults(20, 150, 6)).generate();
        assertEquals(a, b);
        assertNotEquals(a.interactionLines(), c.interactionLines());
    }

    @Test
    void mixAndMalformedLinesMatchTheTruth() {
        Scenario s = new Simulator(ScenarioSpec.defaults(100, 200, 3)).generate();
        GroundTruth t = s.truth();
        assertEquals(100 * 200 + 5, s.interactionLines().size());
        assertEquals(20, t.agents().stream().filter(a -> a.kind() == AgentKind.TIPPING).count());
        assertEquals(10, t.agents().stream().filter(a -> a.kind() == AgentKind.DRIFT).count());
        for (GroundTruth.MalformedLine m : t.malformedLines()) {
            String line = s.interactionLines().get(m.line() - 1);
            assertEquals(m.content(), line);
            assertInstanceOf(Decoded.Rejected.class, EventJson.readInteraction(line.getBytes(StandardCharsets.UTF_8)));
        }
        long valid = s.interactionLines().stream()
                .filter(l -> EventJson.readInteraction(l.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok).count();
        assertEquals(100 * 200, valid, "only the planted lines are broken");
        for (GroundTruth.AgentTruth a : t.agents()) {
            assertEquals(a.changeRound() == null, a.kind() == AgentKind.STABLE);
            if (a.changeRound() != null) {
                assertTrue(a.changeRound() >= 50, "changes come after the warm-up");
            }
        }
        assertEquals(3, t.policies().size());
        assertEquals(false, t.policies().get(2).valid());
    }
}
