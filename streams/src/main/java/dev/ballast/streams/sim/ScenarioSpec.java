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
 * @param groups              multi-agent groups (imitative diffusion and independent controls)
 * @param candidates          fine-tuning candidates for the gate
 * @param preferences         preference pairs for triage, and the policy change they meet
 * @param tipping             how tipping agents tip, and the reward scales and ratios of all agents
 */
public record ScenarioSpec(int agents, int rounds, long seed, double tippingShare, double driftShare,
                           double policySensitiveShare, int malformedLines, Instant start, GroupSpec groups,
                           CandidateSpec candidates, PreferenceSpec preferences, TippingSpec tipping) {

    /**
     * ATP imitative-diffusion groups.
     *
     * @param contagious      groups in which one agent tips and peers copy its rewarded deviance
     * @param control         groups whose agents turn independently of what they observe
     * @param size            agents per group
     * @param observedPeers   peers each agent observes per round
     * @param copyProbability chance that seeing a peer's rewarded deviation makes an agent copy it
     * @param controlDeviants agents that turn, independently, in each control group
     * @param controlSeesDeviants whether control agents can observe peers that have turned; by
     *                        default they cannot (deviance without exposure, the definition of an
     *                        independent group), and with it exposure precedes turns by chance
     */
    public record GroupSpec(int contagious, int control, int size, int observedPeers, double copyProbability,
                            int controlDeviants, boolean controlSeesDeviants) {
        public static final GroupSpec NONE = new GroupSpec(0, 0, 12, 3, 0.04, 3, false);

        public GroupSpec {
            if (contagious < 0 || control < 0) {
                throw new IllegalArgumentException("group counts: must be 0 or more (got " + contagious + " contagious, "
                        + control + " control)");
            }
            if (size < 3) {
                throw new IllegalArgumentException("group size: at least 3 (got " + size + ")");
            }
            if (observedPeers < 1 || observedPeers >= size) {
                throw new IllegalArgumentException("observed peers: from 1 to the group size less one, " + (size - 1)
                        + " (got " + observedPeers + ")");
            }
            if (!(copyProbability >= 0 && copyProbability <= 1)) {
                throw new IllegalArgumentException("copy probability: from 0 to 1 (got " + copyProbability + ")");
            }
            if (controlDeviants < 0 || controlDeviants > size) {
                throw new IllegalArgumentException("control deviants: from 0 to the group size, " + size + " (got "
                        + controlDeviants + ")");
            }
        }

        public GroupSpec withCounts(int contagiousGroups, int controlGroups) {
            return new GroupSpec(contagiousGroups, controlGroups, size, observedPeers, copyProbability, controlDeviants,
                    controlSeesDeviants);
        }
    }
    public static final Instant DEFAULT_START = Instant.parse("2026-01-05T00:00:00Z");

    public ScenarioSpec {
        if (agents < 0) {
            throw new IllegalArgumentException("agents: must be 0 or more (got " + agents + ")");
        }
        if (agents == 0 && groups.contagious() + groups.control() == 0) {
            throw new IllegalArgumentException("agents: 0 single agents and no groups leave nothing to simulate");
        }
        if (rounds < 100) {
            throw new IllegalArgumentException("rounds: at least 100, a warm-up and room for changes after it (got "
                    + rounds + ")");
        }
        if (tippingShare < 0 || driftShare < 0 || policySensitiveShare < 0
                || tippingShare + driftShare + policySensitiveShare > 1) {
            throw new IllegalArgumentException("agent shares: each 0 or more, together at most 1 (got tipping "
                    + tippingShare + ", drift " + driftShare + ", policy-sensitive " + policySensitiveShare + ")");
        }
        if (malformedLines < 0) {
            throw new IllegalArgumentException("malformed lines: must be 0 or more (got " + malformedLines + ")");
        }
    }

    /** Interactions the scenario writes: every agent's and group member's rounds, and the malformed lines. */
    public long interactions() {
        long members = (long) (groups.contagious() + groups.control()) * groups.size();
        return (agents + members) * rounds + malformedLines;
    }

    /** Every record the scenario writes: interactions, candidates and preference pairs, malformed ones included. */
    public long records() {
        return interactions() + candidates.count() + candidates.malformedLines() + preferences.count()
                + preferences.malformedLines();
    }

    public static ScenarioSpec defaults(int agents, int rounds, long seed) {
        return new ScenarioSpec(agents, rounds, seed, 0.2, 0.1, 0.1, 5, DEFAULT_START, GroupSpec.NONE,
                CandidateSpec.defaults(), PreferenceSpec.defaults(), TippingSpec.DEFAULT);
    }

    /** The same scenario drawn with another seed: a sweep over seeds at fixed settings. */
    public ScenarioSpec withSeed(long other) {
        return new ScenarioSpec(agents, rounds, other, tippingShare, driftShare, policySensitiveShare, malformedLines,
                start, groups, candidates, preferences, tipping);
    }

    public ScenarioSpec withGroups(GroupSpec spec) {
        return new ScenarioSpec(agents, rounds, seed, tippingShare, driftShare, policySensitiveShare, malformedLines,
                start, spec, candidates, preferences, tipping);
    }

    public ScenarioSpec withCandidates(CandidateSpec spec) {
        return new ScenarioSpec(agents, rounds, seed, tippingShare, driftShare, policySensitiveShare, malformedLines,
                start, groups, spec, preferences, tipping);
    }

    public ScenarioSpec withPreferences(PreferenceSpec spec) {
        return new ScenarioSpec(agents, rounds, seed, tippingShare, driftShare, policySensitiveShare, malformedLines,
                start, groups, candidates, spec, tipping);
    }

    public ScenarioSpec withTipping(TippingSpec spec) {
        return new ScenarioSpec(agents, rounds, seed, tippingShare, driftShare, policySensitiveShare, malformedLines,
                start, groups, candidates, preferences, spec);
    }
}
