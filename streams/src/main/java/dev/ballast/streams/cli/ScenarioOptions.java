package dev.ballast.streams.cli;

import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.PreferenceSpec;
import dev.ballast.streams.sim.Range;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.TippingSpec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The simulator's knobs, shared by {@code simulate} and {@code demo}. Options a command wants a
 * different default for are nullable and resolved by {@link #spec}.
 */
final class ScenarioOptions {
    @Option(names = "--seed", description = "Random seed (default: simulate 1, demo 42).")
    Long seed;

    @Option(names = "--agents", description = "Single agents, outside any group (default: simulate 250, demo 150; 0 with groups for group members only).")
    Integer agents;

    @Option(names = "--rounds", defaultValue = "400", description = "Rounds, one interaction per agent each (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--tipping-share", defaultValue = "0.2", description = "Share of tipping agents (default ${DEFAULT-VALUE}).")
    double tippingShare;

    @Option(names = "--tipping-onset-rise", paramLabel = "MIN[:MAX]", converter = RangeConverter.class,
            defaultValue = "0.02:0.15",
            description = "Rise of a tipping agent's deviation probability at its onset (default ${DEFAULT-VALUE}).")
    Range onsetRise;

    @Option(names = "--tipping-growth", paramLabel = "MIN[:MAX]", converter = RangeConverter.class,
            defaultValue = "0.01:0.05",
            description = "Rise per round after onset; 0.01 is gradual, 0.05 fast (default ${DEFAULT-VALUE}).")
    Range growth;

    @Option(names = "--tipping-reinforcement", paramLabel = "MIN[:MAX]", converter = RangeConverter.class,
            defaultValue = "0.02:0.15",
            description = "Rise after each deviation that paid (default ${DEFAULT-VALUE}).")
    Range reinforcement;

    @Option(names = "--reward-ratio", paramLabel = "MIN[:MAX]", converter = RangeConverter.class,
            defaultValue = "1.1:10",
            description = "Forbidden option's reward over the required one's, log-uniform per agent (default ${DEFAULT-VALUE}).")
    Range rewardRatio;

    @Option(names = "--base-reward", paramLabel = "MIN[:MAX]", converter = RangeConverter.class,
            defaultValue = "1:10000",
            description = "Required option's reward, log-uniform per agent (default ${DEFAULT-VALUE}).")
    Range baseReward;

    @Option(names = "--drift-share", defaultValue = "0.1", description = "Share of abrupt-drift agents (default ${DEFAULT-VALUE}).")
    double driftShare;

    @Option(names = "--policy-sensitive-share", defaultValue = "0.1",
            description = "Share of agents only a later policy version catches (default ${DEFAULT-VALUE}).")
    double policySensitiveShare;

    @Option(names = "--malformed", defaultValue = "5", description = "Broken interaction lines (default ${DEFAULT-VALUE}).")
    int malformed;

    @Option(names = "--contagious-groups",
            description = "Groups where one agent tips and peers copy its rewarded deviance (default: simulate 0, demo 6).")
    Integer contagiousGroups;

    @Option(names = "--control-groups",
            description = "Groups whose agents turn independently of what they observe (default: simulate 0, demo 3).")
    Integer controlGroups;

    @Option(names = "--group-size", defaultValue = "12", description = "Agents per group (default ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--observed-peers", defaultValue = "3", description = "Peers each agent sees per round (default ${DEFAULT-VALUE}).")
    int observedPeers;

    @Option(names = "--copy-probability", defaultValue = "0.04",
            description = "Chance that seeing a turned peer's rewarded deviation makes an agent copy it (default ${DEFAULT-VALUE}).")
    double copyProbability;

    @Option(names = "--control-deviants", defaultValue = "3",
            description = "Agents that turn independently in each control group (default ${DEFAULT-VALUE}).")
    int controlDeviants;

    @Option(names = "--control-sees-deviants",
            description = "Let control agents observe peers that turned (exposure by chance; harder to tell from contagion).")
    boolean controlSeesDeviants;

    @Option(names = "--candidates", defaultValue = "2000",
            description = "Fine-tuning candidates for the gate, in three datasets (default ${DEFAULT-VALUE}; 0 for none).")
    int candidates;

    @Option(names = "--harmful-share", defaultValue = "0.05",
            description = "Share of harmful-compliance candidates, which no rule names (default ${DEFAULT-VALUE}).")
    double harmfulShare;

    @Option(names = "--rule-breaking-share", defaultValue = "0.04",
            description = "Share of candidates that break a text rule (default ${DEFAULT-VALUE}).")
    double ruleBreakingShare;

    @Option(names = "--surge-harmful-share", defaultValue = "0.5",
            description = "Harmful share of the vendor-batch dataset's last 40%% (default ${DEFAULT-VALUE}; 0: no surge dataset).")
    double surgeHarmfulShare;

    @Option(names = "--malformed-candidates", defaultValue = "3",
            description = "Broken candidate lines (default ${DEFAULT-VALUE}).")
    int malformedCandidates;

    @Option(names = "--preferences", defaultValue = "600",
            description = "Preference pairs for triage, and a policy change after the last round that conflicts with "
                    + "part of them (default ${DEFAULT-VALUE}; 0 for none).")
    int preferences;

    @Option(names = "--conflict-share", defaultValue = "0.5",
            description = "Share of preference pairs whose chosen response the policy change forbids (default ${DEFAULT-VALUE}).")
    double conflictShare;

    private TippingSpec tipping() {
        try {
            return new TippingSpec(onsetRise, growth, reinforcement, rewardRatio, baseReward);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tipping options (--tipping-onset-rise, --tipping-growth, "
                    + "--tipping-reinforcement, --reward-ratio, --base-reward): " + e.getMessage(), e);
        }
    }

    /** Reads {@code MIN:MAX} or one number; picocli names the option in the error. */
    static final class RangeConverter implements ITypeConverter<Range> {
        @Override
        public Range convert(String value) {
            try {
                return Range.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Heap a scenario takes per record while it is built, measured: a million interactions with
     * their truth fit in 600 MB. Rounded up, so that the check refuses before the heap runs out.
     */
    static final long HEAP_BYTES_PER_RECORD = 1_000;

    /**
     * The scenario, with the calling command's defaults for the options left unset. It is built in
     * memory, so one too large for this JVM's heap is refused here with its size: otherwise the
     * simulator ran out of memory with a stack trace (or, past two billion records, failed on an
     * overflowed list size).
     */
    ScenarioSpec spec(long defaultSeed, int defaultAgents, int defaultContagious, int defaultControl) {
        ScenarioSpec spec = build(defaultSeed, defaultAgents, defaultContagious, defaultControl);
        requireHeap(spec.records(), spec.interactions(), Runtime.getRuntime().maxMemory());
        return spec;
    }

    static void requireHeap(long records, long interactions, long maxHeapBytes) {
        if (records > maxHeapBytes / HEAP_BYTES_PER_RECORD) {
            throw new IllegalArgumentException(String.format("the scenario would hold %,d records (%,d of them "
                    + "interactions) and needs about %,d MB of heap to build; this JVM has %,d MB: fewer agents, "
                    + "rounds, candidates or pairs (several seeds replayed one after another), or more heap "
                    + "(BALLAST_JAVA_OPTS=-Xmx...)", records, interactions,
                    records * HEAP_BYTES_PER_RECORD >> 20, maxHeapBytes >> 20));
        }
    }

    private ScenarioSpec build(long defaultSeed, int defaultAgents, int defaultContagious, int defaultControl) {
        return new ScenarioSpec(agents != null ? agents : defaultAgents, rounds, seed != null ? seed : defaultSeed,
                tippingShare, driftShare, policySensitiveShare, malformed, ScenarioSpec.DEFAULT_START,
                new ScenarioSpec.GroupSpec(contagiousGroups != null ? contagiousGroups : defaultContagious,
                        controlGroups != null ? controlGroups : defaultControl, groupSize, observedPeers,
                        copyProbability, controlDeviants, controlSeesDeviants),
                new CandidateSpec(candidates, harmfulShare, ruleBreakingShare, surgeHarmfulShare, malformedCandidates),
                new PreferenceSpec(preferences, conflictShare, preferences > 0 ? 2 : 0),
                tipping());
    }
}
