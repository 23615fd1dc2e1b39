package dev.ballast.streams.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.streams.config.BallastConfig;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Agents that already violate most of the time: little rise is left above their baseline, so
 * a baseline estimated a little low must not read as one.
 */
class HighBaselineTest {
    private static final int AGENTS = 100;
    private static final int EVENTS = 20_000;

    private static MonitorSettings defaults(String detector) {
        Properties p = new Properties();
        p.setProperty("drift.detector", detector);
        return BallastConfig.parse(p, Map.of()).monitorSettings();
    }

    /**
     * At the default budget of one false alarm per million events, 2 million events allow 2 (here
     * at most 4 per rate and detector). Before the estimate's error counted, the CUSUM raised 8
     * (0.9), 71 (0.95), 268 (0.97), 99 (0.99) and 100 (1.0) alarms here, up to three per agent;
     * Page-Hinkley 37 to 272.
     */
    @Test
    void steadyHighRatesStayWithinTheBudget() {
        for (String detector : new String[]{"cusum", "page-hinkley"}) {
            MonitorSettings settings = defaults(detector);
            for (double rate : new double[]{0.9, 0.95, 0.97, 0.99, 1.0}) {
                int alarms = SteadyAgents.alarms(settings, rate, AGENTS, EVENTS, 7);
                assertTrue(alarms <= 6, detector + " at a steady " + rate + ": " + alarms + " alarms");
            }
        }
    }

    /** A rise to always violating is still seen from 0.8 and 0.9, a few hundred events later. */
    @Test
    void aRiseToAlwaysViolatingIsStillSeen() {
        MonitorSettings settings = defaults("cusum");
        for (double from : new double[]{0.8, 0.9}) {
            int seen = 0;
            for (long seed = 1; seed <= 20; seed++) {
                SplittableRandom rng = new SplittableRandom(seed);
                AgentMonitor monitor = new AgentMonitor(settings);
                AgentState state = new AgentState();
                for (int i = 0; i < 1_500; i++) {
                    boolean violation = i >= 500 || rng.nextDouble() < from;
                    if (monitor.observe(state, violation, null, i * 1_000L).isPresent()) {
                        assertTrue(i >= 500, "alarm before the rise from " + from + ", seed " + seed);
                        seen++;
                        break;
                    }
                }
            }
            assertTrue(seen >= 19, "rises from " + from + " seen: " + seen + "/20");
        }
    }

    @Test
    void aBaselineLeavingTheWholeRiseIsNotMovedForTheCap() {
        BernoulliCusum cusum = new BernoulliCusum(0.45, 1e6);
        assertEquals(cusum.design(0.05), cusum.design(0.05, 0.03, 0));
        assertEquals(cusum.design(0.5), cusum.design(0.5, 0.069, 0));
    }

    @Test
    void aRiseLeftWithinTheEstimatesErrorIsNotTested() {
        BernoulliCusum cusum = new BernoulliCusum(0.45, 1e6);
        // 0.95 + one error 0.01 leaves 0.03 below 0.99: under four errors.
        assertSame(DetectorDesign.NEVER, cusum.design(0.95, 0.01, 0));
        // Known to 0.002, the same baseline is tested, against its upper bound 0.952.
        assertEquals(cusum.design(0.952), cusum.design(0.95, 0.002, 0));
    }

    @Test
    void noTestKeepsTheStatisticAtZero() {
        assertEquals(0, DetectorDesign.NEVER.next(5, true));
        DetectorDesign design = new DetectorDesign(1, -0.5, 10);
        assertEquals(1.5, design.next(0.5, true));
        assertEquals(0, design.next(0.25, false));
    }
}
