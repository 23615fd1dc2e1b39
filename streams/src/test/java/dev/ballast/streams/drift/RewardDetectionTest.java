package dev.ballast.streams.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.streams.config.BallastConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The paid-violation statistic beside the rate statistic: budget, scale, and what it adds. */
class RewardDetectionTest {
    private static final int WARMUP = 50;

    private static MonitorSettings rateOnly(double budget) {
        return MonitorSettings.of(new BernoulliCusum(0.45, budget), WARMUP, TippingRule.DEFAULT);
    }

    private static MonitorSettings withReward(double budget) {
        return rateOnly(budget).withReward(new RewardDetection(new BernoulliCusum(0.45, 2 * budget),
                new BernoulliCusum(0.2, 2 * budget), 2.0));
    }

    /** One event: whether it violated and its reward (null: the agent reports none). */
    private record Event(boolean violation, Double reward) {
    }

    /**
     * In control, then from {@code onset} a deviation probability that grows by {@code growth}
     * per event; violations pay {@code ratio} times the compliant reward, times {@code scale}.
     */
    private static List<Event> stream(long seed, int onset, int length, double p0, double growth, double ratio,
                                      double scale, boolean rewards) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Event> events = new ArrayList<>(length);
        double p = p0;
        for (int i = 0; i < length; i++) {
            if (i >= onset) {
                p = Math.min(0.95, p + growth);
            }
            boolean v = rng.nextDouble() < p;
            double noise = 1 + 0.1 * (rng.nextDouble() - 0.5) * 3.46;
            double reward = scale * noise * (v ? ratio : 1);
            events.add(new Event(v, rewards ? reward : null));
        }
        return events;
    }

    /** Event index (1-based) and detection of every alert. */
    private static List<Object[]> run(MonitorSettings settings, List<Event> events) {
        AgentMonitor m = new AgentMonitor(settings);
        AgentState s = new AgentState();
        List<Object[]> out = new ArrayList<>();
        for (Event e : events) {
            Optional<Detection> d = m.observe(s, e.violation(), e.reward(), s.events() * 60_000L);
            d.ifPresent(detection -> out.add(new Object[]{s.events(), detection}));
        }
        return out;
    }

    private static long firstAlertAt(MonitorSettings settings, List<Event> events) {
        List<Object[]> alerts = run(settings, events);
        return alerts.isEmpty() ? Long.MAX_VALUE : (long) alerts.get(0)[0];
    }

    /**
     * The worst case for the shared budget: every in-control violation pays, so all three
     * statistics (rate, moderate rise, paid) react to the same events. The whole monitor, as the
     * configuration derives it, must still reach the budget in its mean run to a false alarm (runs
     * are censored at 20x the budget, which only lowers the mean).
     */
    @Test
    void everyStatisticTogetherKeepsTheFalseAlarmBudget() {
        double budget = 5_000;
        Properties p = new Properties();
        p.setProperty("drift.false.alarm.budget.events", String.valueOf(budget));
        MonitorSettings settings = BallastConfig.parse(p, Map.of()).monitorSettings();
        assertNotNull(settings.moderate(), "the default configuration runs the moderate-rise statistic too");
        int agents = 300;
        double total = 0;
        for (int a = 0; a < agents; a++) {
            double p0 = 0.01 + 0.09 * a / agents;
            List<Event> events = stream(a + 1, Integer.MAX_VALUE, (int) (20 * budget) + WARMUP, p0, 0, 4, 10, true);
            long at = firstAlertAt(settings, events);
            total += Math.min(at, events.size()) - WARMUP;
        }
        double mean = total / agents;
        assertTrue(mean >= budget, "mean in-control run " + mean + " below the budget " + budget);
    }

    @Test
    void rewardsOfOneAndOfTenThousandGiveTheSameAlerts() {
        for (long seed = 1; seed <= 20; seed++) {
            List<Object[]> small = run(withReward(1e6), stream(seed, 200, 400, 0.03, 0.02, 3, 1, true));
            List<Object[]> large = run(withReward(1e6), stream(seed, 200, 400, 0.03, 0.02, 3, 10_000, true));
            assertEquals(small.size(), large.size(), "seed " + seed);
            for (int i = 0; i < small.size(); i++) {
                assertEquals(small.get(i)[0], large.get(i)[0], "seed " + seed);
                assertEquals(((Detection) small.get(i)[1]).detector(), ((Detection) large.get(i)[1]).detector());
            }
        }
    }

    @Test
    void agentsWithoutRewardsKeepTheRateDetectorAtTheFullBudget() {
        for (long seed = 1; seed <= 20; seed++) {
            List<Event> events = stream(seed, 200, 400, 0.03, 0.02, 3, 10, false);
            List<Object[]> with = run(withReward(1e6), events);
            List<Object[]> without = run(rateOnly(1e6), events);
            assertEquals(without.size(), with.size(), "seed " + seed);
            for (int i = 0; i < with.size(); i++) {
                Detection d = (Detection) with.get(i)[1];
                assertEquals(without.get(i)[0], with.get(i)[0], "seed " + seed);
                assertEquals(((Detection) without.get(i)[1]).threshold(), d.threshold());
                assertNull(d.paid(), "no paid evidence without rewards");
            }
        }
    }

    /** Gradual tipping (about +1.5 points per event) with paying violations, 60 seeds. */
    @Test
    void paidViolationsCatchGradualTippingSoonerAndTypeItTipping() {
        List<Long> withDelays = new ArrayList<>();
        List<Long> withoutDelays = new ArrayList<>();
        int byPaid = 0;
        for (long seed = 1; seed <= 60; seed++) {
            // A stable agent's violations are mostly caught: earn nothing before the onset.
            List<Event> events = new ArrayList<>(stream(seed, 200, 400, 0.03, 0.015, 3, 10, true));
            for (int i = 0; i < 200; i++) {
                if (events.get(i).violation() && i % 4 != 0) {
                    events.set(i, new Event(true, 0.0));
                }
            }
            List<Object[]> alerts = run(withReward(1e6), events);
            Detection first = (Detection) alerts.get(0)[1];
            assertTrue((long) alerts.get(0)[0] > 200, "no alert before the onset, seed " + seed);
            assertEquals(AlertType.TIPPING, first.type(), "seed " + seed);
            byPaid += first.detector().equals(RewardDetection.NAME) ? 1 : 0;
            withDelays.add((long) alerts.get(0)[0] - 200);
            withoutDelays.add(firstAlertAt(rateOnly(1e6), events) - 200);
        }
        withDelays.sort(null);
        withoutDelays.sort(null);
        assertTrue(byPaid >= 30, byPaid + " of 60 opened by the paid statistic");
        assertTrue(withDelays.get(30) < withoutDelays.get(30),
                "median delay " + withDelays.get(30) + " with rewards, " + withoutDelays.get(30) + " without");
    }

    /**
     * One logged reward a million times too large, on a compliant event before the onset (early in
     * the agent's life or late): tipping is still caught as it is without it, by the paid
     * statistic, and typed TIPPING. Kept in the compliant statistics, it blinded the paid test.
     */
    @Test
    void aGlitchedCompliantRewardDoesNotBlindThePaidStatistic() {
        for (int from : new int[]{1, 120}) {
            for (long seed = 1; seed <= 20; seed++) {
                List<Event> events = new ArrayList<>(stream(seed, 200, 400, 0.03, 0.015, 3, 10, true));
                List<Object[]> clean = run(withReward(1e6), events);
                int glitchAt = from;
                while (events.get(glitchAt).violation()) {
                    glitchAt++;
                }
                events.set(glitchAt, new Event(false, 1e7));
                List<Object[]> glitched = run(withReward(1e6), events);
                Detection first = (Detection) glitched.get(0)[1];
                assertEquals(AlertType.TIPPING, first.type(), "seed " + seed + ", glitch at " + glitchAt);
                assertEquals(((Detection) clean.get(0)[1]).detector(), first.detector(), "seed " + seed);
                // Without the glitched reward the paid baseline is learnt on one event fewer, which can
                // move its threshold by a design step: an event or two either way.
                assertEquals((long) clean.get(0)[0], (long) glitched.get(0)[0], 2, "seed " + seed + ", glitch at " + glitchAt);
            }
        }
    }

    /** Abrupt drift whose violations pay what complying pays: the paid statistic stays out of it. */
    @Test
    void violationsThatDoNotPayStayDrift() {
        int drift = 0;
        for (long seed = 1; seed <= 40; seed++) {
            List<Object[]> alerts = run(withReward(1e6), stream(seed, 200, 400, 0.03, 0.6, 1, 10, true));
            Detection d = (Detection) alerts.get(0)[1];
            assertEquals(BernoulliCusum.NAME, d.detector(), "seed " + seed);
            assertEquals(0, d.paid().paidViolations(), "seed " + seed);
            assertEquals(1, alerts.size(), "no escalation, seed " + seed);
            drift += d.type() == AlertType.DRIFT ? 1 : 0;
        }
        // The Welch test of TippingRule can still fire by chance on a handful of violations.
        assertTrue(drift >= 36, drift + " of 40 typed DRIFT");
    }

    /**
     * An abrupt rise whose violations pay 1.1 times the compliant reward, within its noise:
     * the rate statistic fires first, before the reward evidence is clear, and types the alert
     * DRIFT. The paid statistic goes on and re-types the episode TIPPING, once.
     */
    @Test
    void aDriftAlertWhoseViolationsTurnOutToPayIsEscalatedOnce() {
        int escalated = 0;
        for (long seed = 1; seed <= 40; seed++) {
            List<Object[]> alerts = run(withReward(1e6), stream(seed, 200, 400, 0.03, 0.5, 1.1, 10, true));
            Detection first = (Detection) alerts.get(0)[1];
            assertNull(first.escalation(), "the first alert opens the episode, seed " + seed);
            if (first.type() == AlertType.TIPPING) {
                assertEquals(1, alerts.size(), "a TIPPING episode is not escalated, seed " + seed);
                continue;
            }
            assertEquals(2, alerts.size(), "one escalation, seed " + seed);
            Detection second = (Detection) alerts.get(1)[1];
            assertEquals(AlertType.TIPPING, second.type());
            assertEquals(RewardDetection.NAME, second.detector());
            assertEquals(first.episode(), second.episode(), "the same episode");
            assertEquals((long) alerts.get(1)[0] - (long) alerts.get(0)[0], second.escalation().eventsSinceOpening());
            assertTrue(second.statistic() > second.threshold());
            assertNull(second.paid(), "no paid count that stops at the opening");
            assertTrue(second.evidence().containsKey("paidBaselineRate"));
            assertEquals("DRIFT", second.evidence().get(Alert.ESCALATED_FROM));
            escalated++;
        }
        assertTrue(escalated >= 15, escalated + " of 40 escalated");
    }

    /**
     * Abrupt drift with no pay in it, alerted as DRIFT; from 30 events after the change every other
     * violation is logged with a reward a hundred thousand times the usual (a broken logger): such
     * rewards are no evidence of pay, so the episode is not escalated.
     */
    @Test
    void violationRewardsAnOrderOfMagnitudeOffDoNotEscalate() {
        int drift = 0;
        for (long seed = 1; seed <= 20; seed++) {
            List<Event> events = new ArrayList<>(stream(seed, 200, 400, 0.03, 0.6, 1, 10, true));
            for (int i = 230; i < events.size(); i += 2) {
                if (events.get(i).violation()) {
                    events.set(i, new Event(true, 1e6));
                }
            }
            List<Object[]> alerts = run(withReward(1e6), events);
            assertTrue((long) alerts.get(0)[0] < 230, "opened before the broken rewards, seed " + seed);
            // The Welch test of TippingRule can type an opening TIPPING by chance (see above).
            if (((Detection) alerts.get(0)[1]).type() == AlertType.DRIFT) {
                drift++;
                assertTrue(alerts.stream().noneMatch(a -> ((Detection) a[1]).escalation() != null), "seed " + seed);
            }
        }
        assertTrue(drift >= 15, drift + " of 20 opened as DRIFT");
    }

    @Test
    void stateWrittenBeforeThePaidStatisticStillDecodes() {
        ByteBuffer v1 = ByteBuffer.allocate(AgentStateCodec.SIZE_V1);
        v1.put((byte) 1).putLong(120).putLong(100).putLong(3);
        byte[] bytes = v1.array();
        AgentState s = AgentStateCodec.decode(bytes);
        assertEquals(120, s.events());
        assertEquals(4.0 / 102, s.baselineRate(), 1e-12);
        assertEquals(0, s.paidStatistic());
        assertEquals(AgentStateCodec.SIZE, AgentStateCodec.encode(s).length);
    }
}
