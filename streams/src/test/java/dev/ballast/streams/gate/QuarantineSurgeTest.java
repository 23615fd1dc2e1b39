package dev.ballast.streams.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.GateDecision;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.drift.AgentState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuarantineSurgeTest {
    private final QuarantineSurge surge = new QuarantineSurge(BallastConfig.defaults().gate(), Clock.systemUTC());

    private static GateDecision decision(int i, boolean quarantined, String reason) {
        return new GateDecision("s" + i, "ds", quarantined ? GateDecision.Decision.QUARANTINE : GateDecision.Decision.ACCEPT,
                quarantined ? List.of(reason) : List.of(), 1.0, 0.5, 2.0, List.of(), "p@1", "m1");
    }

    private List<Integer> run(long seed, double before, double after, int changeAt, int total) {
        SplittableRandom rng = new SplittableRandom(seed);
        AgentState state = new AgentState();
        List<Integer> alertsAt = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            double p = i < changeAt ? before : after;
            GateDecision d = decision(i, rng.nextDouble() < p, GateDecision.HIGH_GRADIENT);
            int at = i;
            surge.observe(state, d, Instant.EPOCH.plusSeconds(i)).ifPresent(a -> {
                assertEquals(AlertType.GATE_SURGE, a.type());
                assertEquals("ds", a.evidence().get("datasetId"));
                alertsAt.add(at);
            });
        }
        return alertsAt;
    }

    @Test
    void aSteadyQuarantineShareRaisesNothing() {
        for (long seed = 1; seed <= 5; seed++) {
            assertEquals(List.of(), run(seed, 0.12, 0.12, 0, 20_000), "seed " + seed);
        }
    }

    @Test
    void aJumpRaisesOneAlertSoon() {
        for (long seed = 11; seed <= 15; seed++) {
            List<Integer> alerts = run(seed, 0.1, 0.6, 3_000, 4_000);
            assertEquals(1, alerts.size(), "one alert per episode, seed " + seed);
            assertTrue(alerts.get(0) >= 3_000 && alerts.get(0) < 3_060, "fired at " + alerts.get(0));
        }
    }

    @Test
    void warmupHoldsDoNotCount() {
        AgentState state = new AgentState();
        for (int i = 0; i < 5_000; i++) {
            assertTrue(surge.observe(state, decision(i, true, GateDecision.WARMUP), Instant.EPOCH).isEmpty());
        }
        assertEquals(0, state.events());
    }
}
