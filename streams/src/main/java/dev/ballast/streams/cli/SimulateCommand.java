package dev.ballast.streams.cli;

import dev.ballast.streams.sim.AgentKind;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes an ATP-style scenario as replay input files plus {@code truth.json}. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Write a simulated scenario (policies.jsonl, interactions.jsonl, truth.json) to a directory.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write to.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--agents", defaultValue = "250", description = "Agents (default ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--rounds", defaultValue = "400", description = "Rounds, one interaction per agent each (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--tipping-share", defaultValue = "0.2", description = "Share of tipping agents (default ${DEFAULT-VALUE}).")
    double tippingShare;

    @Option(names = "--drift-share", defaultValue = "0.1", description = "Share of abrupt-drift agents (default ${DEFAULT-VALUE}).")
    double driftShare;

    @Option(names = "--policy-sensitive-share", defaultValue = "0.1",
            description = "Share of agents only a later policy version catches (default ${DEFAULT-VALUE}).")
    double policySensitiveShare;

    @Option(names = "--malformed", defaultValue = "5", description = "Broken interaction lines (default ${DEFAULT-VALUE}).")
    int malformed;

    @Option(names = "--contagious-groups", defaultValue = "0",
            description = "Groups where one agent tips and peers copy its rewarded deviance (default ${DEFAULT-VALUE}).")
    int contagiousGroups;

    @Option(names = "--control-groups", defaultValue = "0",
            description = "Groups whose agents turn independently of what they observe (default ${DEFAULT-VALUE}).")
    int controlGroups;

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

    @Override
    public Integer call() {
        ScenarioSpec spec = new ScenarioSpec(agents, rounds, seed, tippingShare, driftShare, policySensitiveShare,
                malformed, ScenarioSpec.DEFAULT_START, new ScenarioSpec.GroupSpec(contagiousGroups, controlGroups,
                groupSize, observedPeers, copyProbability, controlDeviants, controlSeesDeviants));
        Scenario scenario = new Simulator(spec).generate();
        ScenarioFiles.write(scenario, out);
        System.out.printf("simulate: wrote %,d interactions (%d malformed) and %d policy versions to %s%n",
                scenario.interactionLines().size(), malformed, scenario.policyLines().size(), out);
        Arrays.stream(AgentKind.values()).forEach(kind -> System.out.printf("  %-17s %d agents%n", kind,
                scenario.truth().agents().stream().filter(a -> a.kind() == kind).count()));
        if (contagiousGroups + controlGroups > 0) {
            System.out.printf("  groups            %d contagious, %d control, %d agents each%n", contagiousGroups,
                    controlGroups, groupSize);
        }
        return 0;
    }
}
