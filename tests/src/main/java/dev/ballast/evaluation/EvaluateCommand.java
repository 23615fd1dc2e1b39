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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "DIR",
            description = {"Replay input directory (policies.jsonl, interactions.jsonl).",
                    "Several (--input A B C): each is evaluated against its own truth.json into a directory of its own "
                            + "under --out, then summary.md sets them side by side and pools their agents."})
    List<Path> inputs;

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
        if (inputs.size() == 1) {
            Outcome outcome = evaluate(settings, inputs.get(0), ReplayInputs.read(inputs.get(0)), truth, alerts, out);
            System.out.println();
            System.out.print(EvaluationReport.markdown(outcome.results(), outcome.calibration()));
            if (outcome.tipping() != null) {
                System.out.printf(Locale.ROOT, "%nTipping agents Ballast typed TIPPING (at the first alert of the episode, "
                        + "or by its escalation from DRIFT): %s.%n", ReportWriter.fmt(outcome.tipping().typedRecall()));
            }
            if (outcome.diffusion() != null) {
                DiffusionScore d = outcome.diffusion();
                System.out.printf(Locale.ROOT, "Diffusion (Ballast only): %d/%d contagious groups, %d before half turned, "
                        + "patient zero %d, %d alerts on %d control groups.%n", d.detected(), d.contagiousGroups(),
                        d.detectedBeforeHalf(), d.patientZeroCorrect(), d.controlAlerts(), d.controlGroups());
            }
            System.out.println("\nwritten: " + out.resolve("evaluation.json") + ", evaluation.md, evaluation.html");
            return 0;
        }
        if (truth != null || alerts != null) {
            throw new IllegalArgumentException("--truth and --alerts name one input's files: give them with a single "
                    + "--input, or give several inputs without them (each is then replayed and scored against the "
                    + "truth.json in its own directory)");
        }
        Map<Path, String> names = directoryNames(inputs);
        // Read and checked for all before the first replay, so that a mistyped last directory does not
        // end a long run; each is read (every record counted) once.
        Map<Path, ReplayInputs> read = new LinkedHashMap<>();
        for (Path input : inputs) {
            read.put(input, ReplayInputs.read(input));
            requireEvaluable(input, input.resolve(ScenarioFiles.TRUTH), read.get(input));
        }
        List<EvaluationSummary.Input> done = new ArrayList<>();
        for (Path input : inputs) {
            String name = names.get(input);
            System.err.printf(Locale.ROOT, "evaluate: input %d of %d: %s (into %s)%n", done.size() + 1, inputs.size(),
                    input, out.resolve(name));
            Outcome outcome = evaluate(settings, input, read.get(input), null, null, out.resolve(name));
            Calibration calibration = outcome.calibration();
            done.add(new EvaluationSummary.Input(name, outcome.results(), calibration.allowedAlarms(),
                    calibration.countedEvents() / calibration.budget(), outcome.diffusion()));
            System.err.println("evaluate: " + EvaluationSummary.oneLine(done.get(done.size() - 1)));
        }
        EvaluationSummary summary = new EvaluationSummary(done);
        summary.write(out);
        System.out.println();
        System.out.print(summary.markdown());
        System.out.println("\nwritten: " + out.resolve("summary.md") + ", summary.json, and each input's evaluation in "
                + out + "/<input>/");
        return 0;
    }

    /** One input's evaluation, as written to its output directory; Ballast's result comes first. */
    private record Outcome(List<DetectorResult> results, Calibration calibration, DiffusionScore diffusion) {
        DetectionScore.KindScore tipping() {
            return results.get(0).score().kinds().get("TIPPING");
        }
    }

    /**
     * Each input's directory under the output: its own name, numbered where two inputs share one
     * ({@code logs/day1/in} and {@code logs/day2/in} become {@code in} and {@code in-2}).
     */
    static Map<Path, String> directoryNames(List<Path> inputs) {
        Map<Path, String> names = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (Path input : inputs) {
            if (names.containsKey(input)) {
                throw new IllegalArgumentException("--input " + input + " is given twice");
            }
            Path file = input.toAbsolutePath().normalize().getFileName();
            String base = file == null ? "input" : file.toString();
            String name = base;
            for (int n = 2; !taken.add(name); n++) {
                name = base + "-" + n;
            }
            names.put(input, name);
        }
        return names;
    }

    /** Refuses an input that cannot be evaluated, before anything about it runs. */
    private void requireEvaluable(Path input, Path truthFile, ReplayInputs inputs) {
        if (!Files.isRegularFile(truthFile)) {
            throw new IllegalArgumentException("no ground truth at " + truthFile + (this.inputs.size() == 1
                    ? "; pass --truth FILE" : "; with several inputs, each needs its own truth.json")
                    + " (format: README, \"Ground truth\")");
        }
        if (!inputs.has(ReplayInputs.INTERACTIONS)) {
            throw new IllegalArgumentException(noInteractions(input));
        }
    }

    private static String noInteractions(Path input) {
        return "no interactions to evaluate in " + input + " (" + ReplayInputs.INTERACTIONS
                + ", plain or gzipped, with at least one valid record)";
    }

    private Outcome evaluate(BallastConfig settings, Path input, ReplayInputs inputs, Path truthGiven, Path alertsFile,
                             Path outDir) throws IOException {
        inputs.reportIgnored("evaluate", System.err);
        Path truthFile = truthGiven != null ? truthGiven : input.resolve(ScenarioFiles.TRUTH);
        requireEvaluable(input, truthFile, inputs);
        GroundTruth groundTruth = ScenarioFiles.readTruth(truthFile);
        // Checked before the replay, which would otherwise run for nothing.
        requireHeap(inputs.files().get(ReplayInputs.INTERACTIONS).records(), Runtime.getRuntime().maxMemory());
        AgentStreams streams = AgentStreams.of(inputs, settings.maxRecordBytes());
        int length = streams.byAgent.values().stream().mapToInt(List::size).max().orElse(0);
        if (length == 0) {
            throw new IllegalArgumentException(noInteractions(input));
        }
        if (length <= settings.warmupEvents()) {
            throw new IllegalArgumentException("the longest agent's stream in " + input + " (" + length + " events) is no "
                    + "longer than the warm-up (drift.warmup.events " + settings.warmupEvents() + "); nothing to evaluate");
        }
        ReplayRunner.Result replayed = alertsFile != null ? null : replay(settings, inputs);
        List<Alert> ballastAlerts = replayed != null ? replayed.alerts() : readAlerts(alertsFile);
        DiffusionScore diffusion = groundTruth.groups() == null || groundTruth.groups().isEmpty() ? null
                : new DiffusionScorer(groundTruth).score(ballastAlerts);
        if (replayed != null) {
            ReplayOutputs.write(outDir, replayed, null, diffusion, null, null);
        }
        List<Alert> agentAlerts = ballastAlerts.stream().filter(AgentStreams::isAgentAlert).toList();
        if (alertsFile != null) {
            checkRaisedByInput(agentAlerts, streams, alertsFile, input);
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
        results.add(DetectorResult.of(EvaluationSummary.BALLAST, ballastDetectors + ", budget "
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
        DetectionScore.KindScore tipping = ballastScore.kinds().get("TIPPING");
        EvaluationReport.write(outDir, results, calibration, diffusion, tipping == null ? Double.NaN : tipping.typedRecall());
        return new Outcome(results, calibration, diffusion);
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

    /**
     * Replays what detection is scored on. The fine-tuning candidates and preference pairs are left
     * out, and the re-alignment jobs the trigger creates are not run: the gate, triage and training
     * take no part in agent or group detection, and took more than half of a default seed's
     * evaluation (65 s, now 21-28 s).
     */
    private static ReplayRunner.Result replay(BallastConfig settings, ReplayInputs inputs) {
        ReplayInputs detection = inputs.only(List.of(ReplayInputs.POLICIES, ReplayInputs.INTERACTIONS));
        List<String> left = inputs.files().keySet().stream().filter(file -> !detection.has(file)).toList();
        if (!left.isEmpty()) {
            System.err.println("evaluate: " + String.join(" and ", left) + " not replayed: evaluate scores agent and "
                    + "group detection, which they take no part in (./ballast replay runs the gate and triage on them)");
        }
        return new ReplayRunner(settings, System.err).withoutRunningJobs()
                .run(detection, new BallastMetrics(new SimpleMeterRegistry()));
    }

    /**
     * Refuses alerts of which none was raised by an event of the input (an alerts.jsonl of another
     * replay, scored as if it were this one's, gave figures for nothing), and warns of a few.
     */
    private static void checkRaisedByInput(List<Alert> agentAlerts, AgentStreams streams, Path alerts, Path input) {
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
