package dev.ballast.streams.cli;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.gate.GateSettings;
import dev.ballast.streams.sim.AgentKind;
import dev.ballast.streams.sim.CandidateSpec;
import dev.ballast.streams.sim.CandidateKind;
import dev.ballast.streams.sim.PreferenceSimulation;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.Scenario;
import dev.ballast.streams.sim.ScenarioFiles;
import dev.ballast.streams.sim.ScenarioSpec;
import dev.ballast.streams.sim.Simulator;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes an ATP-style scenario as replay input files plus {@code truth.json}. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Write a simulated scenario (policies.jsonl, interactions.jsonl, candidates.jsonl, preferences.jsonl, truth.json) "
                + "to a directory.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write to.")
    Path out;

    @Mixin
    ScenarioOptions scenario;

    @Override
    public Integer call() {
        ScenarioSpec spec = scenario.spec(1, 250, 0, 0);
        OutputDirectory.prepare(out);
        Scenario generated = new Simulator(spec).generate();
        ScenarioFiles.write(generated, out);
        System.out.printf("simulate: wrote %,d interactions (%d malformed) and %d policy versions to %s%n",
                generated.interactionLines().size(), spec.malformedLines(), generated.policyLines().size(), out);
        Arrays.stream(AgentKind.values()).forEach(kind -> System.out.printf("  %-17s %d agents%n", kind,
                generated.truth().agents().stream().filter(a -> a.kind() == kind).count()));
        ScenarioSpec.GroupSpec groups = spec.groups();
        if (groups.contagious() + groups.control() > 0) {
            System.out.printf("  groups            %d contagious, %d control, %d agents each%n", groups.contagious(),
                    groups.control(), groups.size());
        }
        List<GroundTruth.CandidateTruth> candidates = generated.truth().candidates();
        if (!candidates.isEmpty()) {
            System.out.printf("  candidates        %,d in %d datasets (%d malformed lines):%n", candidates.size(),
                    generated.truth().datasets().size(), spec.candidates().malformedLines());
            Arrays.stream(CandidateKind.values()).forEach(kind -> System.out.printf("    %-19s %,d%n", kind,
                    candidates.stream().filter(c -> c.kind() == kind).count()));
            generated.truth().datasets().stream().filter(d -> d.surgeFromSample() != null)
                    .forEach(SimulateCommand::printSurge);
        }
        List<GroundTruth.PreferenceTruth> pairs = generated.truth().preferences();
        if (!pairs.isEmpty()) {
            System.out.printf("  preferences       %,d pairs (%d malformed lines); triage expected under the new policy:%n",
                    pairs.size(), spec.preferences().malformedLines());
            pairs.stream().collect(java.util.stream.Collectors.groupingBy(
                            p -> p.actions().getOrDefault(PreferenceSimulation.NEW_VERSION, "?"), java.util.TreeMap::new,
                            java.util.stream.Collectors.counting()))
                    .forEach((action, n) -> System.out.printf("    %-19s %,d%n", action, n));
        }
        return 0;
    }

    /**
     * Where the poisoned dataset jumps and, when that is before the gate's defaults have formed its
     * surge baseline (the gate's warm-up samples, then the surge's own), that GATE_SURGE has no
     * clean baseline there to rise above, and how many candidates would give it one.
     */
    private static void printSurge(GroundTruth.DatasetTruth dataset) {
        System.out.printf("    poisoned dataset %s: harmful share jumps at its sample %,d of %,d%n", dataset.datasetId(),
                dataset.surgeFromSample(), dataset.samples());
        GateSettings gate = BallastConfig.defaults().gate();
        int baseline = gate.warmupSamples() + gate.surge().warmupEvents();
        if (dataset.surgeFromSample() < baseline) {
            System.out.printf("      before the gate's defaults have formed its surge baseline (%d warm-up samples,"
                            + " then %d decisions): GATE_SURGE cannot tell it (from --candidates %,d on, the jump"
                            + " comes after)%n",
                    gate.warmupSamples(), gate.surge().warmupEvents(), CandidateSpec.countForSurgeFrom(baseline));
        }
    }
}
