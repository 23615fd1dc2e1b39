package dev.ballast.streams.drift;

import java.util.SplittableRandom;

/** In-control agents for false-alarm checks: each violates at the same steady rate all its life. */
final class SteadyAgents {
    private SteadyAgents() {
    }

    /** Alarms raised over {@code agents} agents, each living {@code events} events at {@code rate}, reporting no reward. */
    static int alarms(MonitorSettings settings, double rate, int agents, int events, long seed) {
        return alarms(settings, rate, agents, events, seed, false);
    }

    /**
     * The same, with {@code violationsPay} agents that report rewards, each violation paying about
     * twice a compliant event (the worst case for the paid-violation statistic: every violation is
     * a paid one).
     */
    static int alarms(MonitorSettings settings, double rate, int agents, int events, long seed,
                      boolean violationsPay) {
        SplittableRandom rng = new SplittableRandom(seed);
        AgentMonitor monitor = new AgentMonitor(settings);
        int alarms = 0;
        for (int a = 0; a < agents; a++) {
            AgentState state = new AgentState();
            for (int i = 0; i < events; i++) {
                boolean violation = rng.nextDouble() < rate;
                Double reward = !violationsPay ? null : (violation ? 20 : 10) + rng.nextGaussian();
                alarms += monitor.observe(state, violation, reward, i * 1_000L)
                        .filter(d -> d.escalation() == null).isPresent() ? 1 : 0;
            }
        }
        return alarms;
    }
}
