package dev.ballast.streams.drift;

import java.util.SplittableRandom;

/** In-control agents for false-alarm checks: each violates at the same steady rate all its life. */
final class SteadyAgents {
    private SteadyAgents() {
    }

    /** Alarms raised over {@code agents} agents, each living {@code events} events at {@code rate}. */
    static int alarms(MonitorSettings settings, double rate, int agents, int events, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        AgentMonitor monitor = new AgentMonitor(settings);
        int alarms = 0;
        for (int a = 0; a < agents; a++) {
            AgentState state = new AgentState();
            for (int i = 0; i < events; i++) {
                alarms += monitor.observe(state, rng.nextDouble() < rate, null, i * 1_000L).isPresent() ? 1 : 0;
            }
        }
        return alarms;
    }
}
