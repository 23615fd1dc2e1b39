package dev.ballast.evaluation;

import dev.ballast.events.Alert;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.config.ConfigException;
import dev.ballast.streams.drift.MonitorSettings;
import dev.ballast.streams.drift.RewardDetection;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DetectionScorer;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.eval.DiffusionScorer;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayOutputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.replay.ReportWriter;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.streams.sim.ScenarioFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ballast evaluate}: scores Ballast's alerts against ground truth and runs MOA's ADWIN,
 * Page-Hinkley, CUSUM and DDM over the very same per-agent violation streams, each calibrated to
 * Ballast's false-alarm budget, scored the same way, in one table.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score detection against ground truth, side by side with MOA's detectors at an equal "
                + "false-alarm budget.",
                "Replays --input through the pipeline unless --alerts gives the alerts.jsonl of an earlier replay."})
public final class EvaluateCommand implements Callable<Integer> {
    /** Heap one judged event takes in {@link AgentStreams}: 172 bytes measured, on 600,000 interactions of 4,000 agents. */
    static final long BYTES_PER_EVENT = 200;

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "Replay input directory (policies.jsonl, interactions.jsonl).")
    Path input;

    @Option(names = "--truth", paramLabel = "FILE", description = "Ground truth (default: truth.json in the input directory).")
    Path truth;

    @Option(names = "--alerts", paramLabel = "FILE", description = "alerts.jsonl of an earlier replay of the same input, instead of replaying.")
    Path alerts;

    @Option(names = "--out", defaultValue = "evaluation-out", paramLabel = "DIR", description = "Output directory (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--config", paramLabel = "FILE", description = "Ballast properties file (its false-alarm budget and warm-up are the ones compared).")
    Path config;

    @Option(names = "--calibration-events",
            description = "In-control events each detector is calibrated on (default ${DEFAULT-VALUE}).")
    long calibrationEvents = 4_000_000;

    public static void main(String[] args) {
        System.exit(new CommandLine(new EvaluateCommand()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println((e instanceof ConfigException ? "" : "error: ") + e.getMessage());
            return e instanceof IllegalArgumentException || e instanceof ConfigException ? 2 : 1;
        }).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        BallastConfig settings = BallastConfig.load(config, System.getenv());
        if (calibrationEvents < 1) {
            throw new IllegalArgumentException("--calibration-events must be at least 1 (got " + calibrationEvents
                    + "); the default, 4,000,000, allows 4 alarms at the default budget");
        }
        if (calibrationEvents < settings.falseAlarmBudgetEvents()) {
            System.err.printf(Locale.ROOT, "evaluate: --calibration-events %,d is less than the false-alarm budget "
                    + "(%,.0f events): every detector is held to 0 alarms on too few events to say much; give at least "
                    + "a few times the budget%n", calibrationEvents, settings.falseAlarmBudgetEvents());
        }
        ReplayInputs inputs = ReplayInputs.read(input);
        inputs.reportIgnored("evaluate", System.err);
        Path truthFile = truth != null ? truth : input.resolve(ScenarioFiles.TRUTH);
        if (!Files.isRegularFile(truthFile)) {
            throw new IllegalArgumentException("no ground truth at " + truthFile + "; pass --truth FILE (format: README, \"Ground truth\")");
        }
        GroundTruth groundTruth = ScenarioFiles.readTruth(truthFile);
        // Checked before the replay, which would otherwise run for nothing.
        requireHeap(inputs.has(ReplayInputs.INTERACTIONS) ? inputs.files().get(ReplayInputs.INTERACTIONS).records() : 0,
                Runtime.getRuntime().maxMemory());
        AgentStreams streams = AgentStreams.of(inputs, settings.maxRecordBytes());
        int length = streams.byAgent.values().stream().mapToInt(List::size).max().orElse(0);
        if (length == 0) {
            throw new IllegalArgumentException("no interactions to evaluate in " + input + " (" + ReplayInputs.INTERACTIONS
                    + ", plain or gzipped, with at least one valid record)");
        }
        if (length <= settings.warmupEvents()) {
            throw new IllegalArgumentException("the longest agent's stream (" + length + " events) is no longer than the "
                    + "warm-up (drift.warmup.events " + settings.warmupEvents() + "); nothing to evaluate");
        }
        List<Alert> ballastAlerts = alerts != null ? readAlerts(alerts) : replay(settings, inputs, groundTruth);
        List<Alert> agentAlerts = ballastAlerts.stream().filter(AgentStreams::isAgentAlert).toList();
        if (alerts != null) {
            checkRaisedByInput(agentAlerts, streams);
        }

        InControlRates inControl = InControlRates.of(streams, groundTruth, settings.warmupEvents());
        System.err.println("evaluate: calibrating on " + inControl.source());
        int calibrationStreams = (int) Math.max(1, calibrationEvents / (length - settings.warmupEvents()));
        Calibration calibration = new Calibration(calibrationStreams, length, settings.warmupEvents(), inControl.rates(),
                settings.falseAlarmBudgetEvents(), 2026, inControl.source(), inControl.segments());
        DetectionScorer scorer = new DetectionScorer(groundTruth, streams.positions);

        List<DetectorResult> results = new ArrayList<>();
        DetectionScore ballastScore = scorer.score(agentAlerts);
        MonitorSettings monitorSettings = settings.monitorSettings();
        long ballastCalibration = calibration.ballastAlarms(monitorSettings);
        String ballastDetectors = monitorSettings.detector().name()
                + (monitorSettings.moderate() == null ? "" : " + " + MonitorSettings.MODERATE_RISE)
                + (monitorSettings.reward() == null ? "" : " + " + RewardDetection.NAME);
        results.add(DetectorResult.of("Ballast", ballastDetectors + ", budget "
                + String.format(Locale.ROOT, "%.0f", settings.falseAlarmBudgetEvents()), ballastCalibration, ballastScore));
        boolean agentsInTruth = groundTruth.agents() != null && !groundTruth.agents().isEmpty();
        if (!agentsInTruth) {
            System.err.println("evaluate: " + truthFile + " names no agents (groups only): MOA's per-agent detectors "
                    + "are not calibrated or run; Ballast's group detection is scored below");
        }
        for (MoaDetector detector : agentsInTruth ? MoaDetector.ALL : List.<MoaDetector>of()) {
            long t0 = System.nanoTime();
            Calibration.Result tuned = calibration.calibrate(detector);
            List<Alert> alarms = DetectorRuns.run(detector, tuned.value(), streams, settings.warmupEvents());
            String note = tuned.note().isEmpty() ? "" : " (" + tuned.note() + ")";
            results.add(DetectorResult.of(detector.name(), String.format(Locale.ROOT, "%s=%.4g%s", detector.option(),
                    tuned.value(), note), tuned.alarms(), scorer.score(alarms)));
            System.err.printf(Locale.ROOT, "evaluate: %s calibrated to %s=%.4g%s (%d alarms on %,d in-control events, "
                    + "%d allowed) in %.1f s%n", detector.name(), detector.option(), tuned.value(), note, tuned.alarms(),
                    calibration.countedEvents(), calibration.allowedAlarms(), (System.nanoTime() - t0) / 1e9);
        }
        DiffusionScore diffusion = groundTruth.groups() == null || groundTruth.groups().isEmpty() ? null
                : new DiffusionScorer(groundTruth).score(ballastAlerts);
        DetectionScore.KindScore tipping = ballastScore.kinds().get("TIPPING");
        EvaluationReport.write(out, results, calibration, diffusion, tipping == null ? Double.NaN : tipping.typedRecall());
        System.out.println();
        System.out.print(EvaluationReport.markdown(results, calibration));
        if (tipping != null) {
            System.out.printf(Locale.ROOT, "%nTipping agents Ballast typed TIPPING (at the first alert of the episode, or by its "
                    + "escalation from DRIFT): %s.%n",
                    ReportWriter.fmt(tipping.typedRecall()));
        }
        if (diffusion != null) {
            System.out.printf(Locale.ROOT, "Diffusion (Ballast only): %d/%d contagious groups, %d before half turned, "
                    + "patient zero %d, %d alerts on %d control groups.%n", diffusion.detected(), diffusion.contagiousGroups(),
                    diffusion.detectedBeforeHalf(), diffusion.patientZeroCorrect(), diffusion.controlAlerts(),
                    diffusion.controlGroups());
        }
        System.out.println("\nwritten: " + out.resolve("evaluation.json") + ", evaluation.md, evaluation.html");
        return 0;
    }

    /**
     * Refuses, before anything runs, an input whose judged events would take more than half the
     * heap: every detector compared runs over every agent's whole stream, so evaluate keeps them
     * all, where the replay it runs keeps none.
     */
    static void requireHeap(long interactions, long maxHeapBytes) {
        long needed = interactions * BYTES_PER_EVENT;
        if (needed > maxHeapBytes / 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%,d interactions take about %,d MB here "
                    + "(every agent's judged events are kept for the detectors compared), more than half of this JVM's "
                    + "%,d MB heap: give it more (BALLAST_JAVA_OPTS=-Xmx...), or evaluate fewer agents at a time",
                    interactions, needed >> 20, maxHeapBytes >> 20));
        }
    }

    private List<Alert> replay(BallastConfig settings, ReplayInputs inputs, GroundTruth groundTruth) {
        ReplayRunner.Result result = new ReplayRunner(settings, System.err)
                .run(inputs, new BallastMetrics(new SimpleMeterRegistry()));
        DiffusionScore diffusion = groundTruth.groups() == null || groundTruth.groups().isEmpty() ? null
                : new DiffusionScorer(groundTruth).score(result.alerts());
        ReplayOutputs.write(out, result, null, diffusion, null, null);
        return result.alerts();
    }

    /**
     * Refuses alerts of which none was raised by an event of the input (an alerts.jsonl of another
     * replay, scored as if it were this one's, gave figures for nothing), and warns of a few.
     */
    private void checkRaisedByInput(List<Alert> agentAlerts, AgentStreams streams) {
        long elsewhere = streams.raisedElsewhere(agentAlerts);
        String what = String.format(Locale.ROOT, "%,d of the %,d agent alerts in %s were not raised by an event of %s "
                + "(none with their trigger event's id and time, or it complied)", elsewhere, agentAlerts.size(), alerts,
                input);
        if (elsewhere > 0 && elsewhere == agentAlerts.size()) {
            throw new IllegalArgumentException(what + ": --alerts must come from a replay of this input");
        }
        if (elsewhere > 0) {
            System.err.println("evaluate: " + what + "; the figures place them by event id alone");
        }
    }

    private static List<Alert> readAlerts(Path file) throws IOException {
        List<Alert> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            Decoded<Alert> d = EventJson.read(EventJson.LENIENT, line.getBytes(StandardCharsets.UTF_8), Alert.class, a -> "");
            if (d instanceof Decoded.Ok<Alert> ok) {
                out.add(ok.value());
            } else {
                throw new IllegalArgumentException(file + " line " + n + ": " + ((Decoded.Rejected<Alert>) d).reason());
            }
        }
        return out;
    }
}
