package dev.ballast.streams.cli;

import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.ScenarioFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Feeds JSONL files through the real pipeline and writes what came out. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Feed interactions.jsonl, policies.jsonl, candidates.jsonl, preferences.jsonl (any subset)"
                + " through the pipeline, wait until all of it is processed, and write alerts.jsonl, gate.jsonl,"
                + " triage.jsonl, jobs.jsonl, dlq.jsonl, summary.json and report.html.",
                "Runs an embedded Kafka broker unless --bootstrap-servers is given."})
final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "DIR", description = "Directory with the JSONL inputs.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the outputs.")
    Path out;

    @Option(names = "--truth", paramLabel = "FILE",
            description = "Ground truth to score alerts against (default: truth.json in the input directory, if present).")
    Path truth;

    @Mixin
    ReplayOptions replayOptions;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() {
        BallastConfig config = replayOptions.applyTo(configOptions.load());
        ReplayInputs inputs = ReplayInputs.read(input);
        inputs.reportIgnored("replay", System.err);
        Path truthFile = truth != null ? truth : input.resolve(ScenarioFiles.TRUTH);
        if (truth != null && !Files.isRegularFile(truth)) {
            throw new IllegalArgumentException("--truth " + truth + " does not exist");
        }
        GroundTruth groundTruth = Files.isRegularFile(truthFile) ? ScenarioFiles.readTruth(truthFile) : null;
        OutputDirectory.prepare(out);
        RunReport.replay("replay", config, inputs, new BallastMetrics(new SimpleMeterRegistry()), groundTruth, out);
        return 0;
    }
}
