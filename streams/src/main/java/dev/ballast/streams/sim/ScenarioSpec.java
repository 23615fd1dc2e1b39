package dev.ballast.streams.sim;

import java.time.Instant;

/**
 * Size and mix of a simulated scenario.
 *
 * @param agents              number of agents
 * @param rounds              rounds per agent (one interaction per agent per round)
 * @param seed                random seed; the same spec and seed give the same files
 * @param tippingShare        share of agents that tip
 * @param driftShare          share of agents with an abrupt drift
 * @param policySensitiveShare share of agents caught out by the mid-stream policy version
 * @param malformedLines      deliberately broken interaction lines
 * @param start               timestamp of round 0
 */
public record ScenarioSpec(int agents, int rounds, long seed, double tippingShare, double driftShare,
                           double policySensitiveShare, int malformedLines, Instant start) {
    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T00:00:00Z");

    public ScenarioSpec {
        if (agents < 1 || rounds < 100) {
            throw new IllegalArgumentException("need at least 1 agent and 100 rounds");
        }
        if (tippingShare < 0 || driftShare < 0 || policySensitiveShare < 0
                || tippingShare + driftShare + policySensitiveShare > 1) {
            throw new IllegalArgumentException("agent shares must be non-negative and sum to at most 1");
        }
        if (malformedLines < 0) {
            throw new IllegalArgumentException("malformed lines must be non-negative");
        }
    }

    public static ScenarioSpec defaults(int agents, int rounds, long seed) {
        return new ScenarioSpec(agents, rounds, seed, 0.2, 0.1, 0.1, 5, DEFAULT_START);
    }
}
