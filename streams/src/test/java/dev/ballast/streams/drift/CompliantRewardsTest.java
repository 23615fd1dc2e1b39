package dev.ballast.streams.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Glitches left out of an agent's compliant rewards, and nothing else. */
class CompliantRewardsTest {

    private static double[] rewards(long seed, int n, double centre, double noise) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = centre * (1 + noise * (rng.nextDouble() - 0.5) * 3.46);
        }
        return out;
    }

    private static CompliantRewards of(double... rewards) {
        CompliantRewards c = new CompliantRewards();
        for (double r : rewards) {
            c.add(r);
        }
        return c;
    }

    private static void assertSameStats(RewardStats expected, RewardStats actual) {
        assertEquals(expected.count(), actual.count());
        assertEquals(expected.mean(), actual.mean(), 1e-9 * Math.abs(expected.mean()));
        assertEquals(expected.variance(), actual.variance(), 1e-9 * expected.variance());
    }

    private static RewardStats plain(double... rewards) {
        RewardStats s = new RewardStats();
        Arrays.stream(rewards).forEach(s::add);
        return s;
    }

    @Test
    void aGlitchAnywhereIsLeftOutAndTheRestKept() {
        double[] clean = rewards(1, 200, 100, 0.1);
        assertSameStats(plain(clean), of(clean).stats());
        for (int at : new int[]{0, 1, 2, 5, 7, 8, 60, 199}) {
            double[] glitched = new double[clean.length + 1];
            System.arraycopy(clean, 0, glitched, 0, at);
            glitched[at] = 1e9;
            System.arraycopy(clean, at, glitched, at + 1, clean.length - at);
            CompliantRewards c = new CompliantRewards();
            for (int i = 0; i < glitched.length; i++) {
                // The first two rewards have no majority to be judged by: a glitch among them is left out later.
                assertEquals(i != at || i < 2, c.add(glitched[i]), "reward " + i + " with the glitch at " + at);
            }
            assertSameStats(plain(clean), c.stats());
        }
        CompliantRewards huge = of(100, 1.7e308, 101, 99, 1.6e308, 100, 102, 98, 100, 1.7e308);
        assertSameStats(plain(100, 101, 99, 100, 102, 98, 100), huge.stats());
        CompliantRewards negative = of(clean);
        assertFalse(negative.add(-5e7), "a glitch below zero");
        assertSameStats(plain(clean), negative.stats());
    }

    @Test
    void rewardsOfZeroAndOneAJackpotAndRewardsAroundZeroAreNoGlitches() {
        double[] binary = new double[300];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < binary.length; i++) {
            binary[i] = rng.nextDouble() < (i < 150 ? 0.8 : 0.1) ? 1 : 0;
        }
        assertSameStats(plain(binary), of(binary).stats());
        double[] zerosThenOne = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0};
        assertSameStats(plain(zerosThenOne), of(zerosThenOne).stats());
        double[] jackpot = rewards(4, 100, 100, 0.1);
        jackpot[50] = 900;
        assertSameStats(plain(jackpot), of(jackpot).stats());
        double[] aroundZero = rewards(5, 100, 1, 1);
        for (int i = 0; i < aroundZero.length; i++) {
            aroundZero[i] -= 1;
        }
        assertSameStats(plain(aroundZero), of(aroundZero).stats());
    }

    @Test
    void aRewardScaleThatMovesForGoodIsLearntFromTheRecentRewards() {
        CompliantRewards c = of(rewards(6, 100, 100, 0.1));
        double[] moved = rewards(7, 20, 10_000, 0.1);
        int kept = 0;
        for (double r : moved) {
            kept += c.add(r) ? 1 : 0;
        }
        assertTrue(kept >= 16, kept + " of 20 rewards at the new scale kept");
        assertEquals(10_000, c.stats().mean(), 300);
        assertTrue(Math.sqrt(c.stats().variance()) < 2_000, "spread of the new scale alone: " + c.stats().variance());
    }

    @Test
    void stateWrittenBeforeTheRecentRewardsGoesOnFromItsStatistics() {
        AgentState s = new AgentState();
        for (double r : rewards(8, 50, 100, 0.1)) {
            s.complianceRewards.add(r);
        }
        byte[] v5 = AgentStateCodec.encode(s);
        assertEquals(AgentStateCodec.SIZE, v5.length);
        byte[] v4 = Arrays.copyOf(v5, AgentStateCodec.SIZE_V4);
        v4[0] = 4;
        CompliantRewards restored = AgentStateCodec.decode(v4).complianceRewards;
        assertSameStats(s.complianceRewards.stats(), restored.stats());
        assertFalse(restored.add(1e9), "judged against the statistics it kept");
        assertTrue(restored.add(101));
        assertEquals(51, restored.stats().count());
        CompliantRewards roundTrip = AgentStateCodec.decode(v5).complianceRewards;
        assertSameStats(s.complianceRewards.stats(), roundTrip.stats());
        assertEquals(s.complianceRewards.filled, roundTrip.filled);
        assertEquals(s.complianceRewards.next, roundTrip.next);
        assertEquals(s.complianceRewards.rebuilding, roundTrip.rebuilding);
        assertTrue(Arrays.equals(s.complianceRewards.recent, roundTrip.recent));
    }
}
