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

    @Override
    public Integer call() {
        ScenarioSpec spec = new ScenarioSpec(agents, rounds, seed, tippingShare, driftShare, policySensitiveShare,
                malformed, ScenarioSpec.DEFAULT_START);
        Scenario scenario = new Simulator(spec).generate();
        ScenarioFiles.write(scenario, out);
        System.out.printf("simulate: wrote %,d interactions (%d malformed) and %d policy versions to %s%n",
                scenario.interactionLines().size(), malformed, scenario.policyLines().size(), out);
        Arrays.stream(AgentKind.values()).forEach(kind -> System.out.printf("  %-17s %d agents%n", kind,
                scenario.truth().agents().stream().filter(a -> a.kind() == kind).count()));
        return 0;
    }
}
