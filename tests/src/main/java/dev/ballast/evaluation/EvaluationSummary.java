package dev.ballast.evaluation;

import dev.ballast.events.EventJson;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DetectionScorer;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.replay.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Several inputs, each evaluated on its own (its own truth, MOA calibrated on its own in-control
 * agents), side by side and pooled. A median delay over the 25 or 50 agents of one kind in one log
 * moves by a few events from one log to the next, so a figure that holds on every log and one that
 * holds over all of their agents together are different claims: this shows both.
 */
final class EvaluationSummary {
    /**
     * One input's evaluation: its name (its directory under the output), the detectors' results,
     * the alarms its calibration allowed MOA's detectors, and the alarms a detector exactly at the
     * budget averages on those calibration events (what Ballast's count scatters around).
     */
    record Input(String name, List<DetectorResult> results, long allowedAlarms, double alarmsAtBudget,
                 DiffusionScore diffusion) {
        Optional<DetectorResult> ballast() {
            return results.stream().filter(r -> r.detector().equals(BALLAST)).findFirst();
        }
    }

    /** One detector over every input's agents together. */
    record Pooled(String detector, int inputs, int inputsWithinBudget, DetectionScore score) {
    }

    static final String BALLAST = "Ballast";
    private final List<Input> inputs;
    private final List<Pooled> pooled;
    /** Every input's diffusion score as one, or null when no input's truth has groups. */
    private final DiffusionScore pooledDiffusion;

    EvaluationSummary(List<Input> inputs) {
        this.inputs = List.copyOf(inputs);
        this.pooled = poolByDetector(this.inputs);
        List<DiffusionScore> diffusion = this.inputs.stream().map(Input::diffusion).filter(Objects::nonNull).toList();
        this.pooledDiffusion = diffusion.isEmpty() ? null
                : diffusion.stream().reduce(DiffusionScore.NONE, DiffusionScore::plus);
    }

    /** Every detector that ran on any input, in the order it first appears, pooled over the inputs it ran on. */
    private static List<Pooled> poolByDetector(List<Input> inputs) {
        Map<String, List<DetectorResult>> byDetector = new LinkedHashMap<>();
        Map<String, Integer> withinBudget = new LinkedHashMap<>();
        for (Input input : inputs) {
            for (DetectorResult r : input.results()) {
                byDetector.computeIfAbsent(r.detector(), d -> new ArrayList<>()).add(r);
                withinBudget.merge(r.detector(), r.calibrationAlarms() <= input.allowedAlarms() ? 1 : 0, Integer::sum);
            }
        }
        List<Pooled> out = new ArrayList<>();
        byDetector.forEach((detector, results) -> out.add(new Pooled(detector, results.size(),
                withinBudget.get(detector), pool(results.stream().map(DetectorResult::score).toList()))));
        return out;
    }

    /** The scores of several inputs as one: counts summed, delays put together, rates and quantiles taken anew. */
    static DetectionScore pool(List<DetectionScore> scores) {
        Map<String, List<DetectionScore.KindScore>> byKind = new LinkedHashMap<>();
        long stableEvents = 0;
        long falseAlarms = 0;
        long beforeChange = 0;
        List<String> unplaced = new ArrayList<>();
        for (DetectionScore s : scores) {
            s.kinds().forEach((kind, k) -> byKind.computeIfAbsent(kind, x -> new ArrayList<>()).add(k));
            stableEvents += s.stableEvents();
            falseAlarms += s.falseAlarms();
            beforeChange += s.alertsBeforeChange();
            unplaced.addAll(s.unplacedChanges());
        }
        Map<String, DetectionScore.KindScore> kinds = new LinkedHashMap<>();
        byKind.forEach((kind, parts) -> {
            int agents = parts.stream().mapToInt(DetectionScore.KindScore::agents).sum();
            int detected = parts.stream().mapToInt(DetectionScore.KindScore::detected).sum();
            int typed = parts.stream().mapToInt(DetectionScore.KindScore::typedDetected).sum();
            List<Long> delays = parts.stream().flatMap(k -> k.delays().stream()).toList();
            // Unchanged agents have no recall (NaN in each input): pooled, they have none either.
            boolean changed = parts.stream().noneMatch(k -> Double.isNaN(k.recall()));
            kinds.put(kind, new DetectionScore.KindScore(agents, detected, typed,
                    changed && agents > 0 ? (double) detected / agents : Double.NaN,
                    changed && agents > 0 ? (double) typed / agents : Double.NaN,
                    DetectionScorer.quantile(delays, 0.5), DetectionScorer.quantile(delays, 0.9), delays));
        });
        double per100k = stableEvents == 0 ? Double.NaN : falseAlarms * 100_000.0 / stableEvents;
        return new DetectionScore(kinds, stableEvents, falseAlarms, per100k, beforeChange, List.copyOf(unplaced));
    }

    /** What one input gave Ballast, in a line: said as each input of a long run is done. */
    static String oneLine(Input input) {
        return input.ballast().map(b -> {
            DetectionScore s = b.score();
            List<String> parts = new ArrayList<>();
            for (String kind : EvaluationReport.KINDS) {
                DetectionScore.KindScore k = s.kinds().get(kind);
                if (k != null) {
                    parts.add(String.format(Locale.ROOT, "%s median %s (recall %s)", kind, ReportWriter.fmt(k.medianDelay()),
                            ReportWriter.fmt(k.recall())));
                }
            }
            parts.add("false alarms " + s.falseAlarms() + " (" + EvaluationReport.per100k(s) + " per 100k)");
            return input.name() + ": Ballast " + String.join(", ", parts);
        }).orElse(input.name() + ": no Ballast result");
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d inputs, each evaluated against its own truth, with MOA's detectors "
                + "calibrated on its own in-control agents (each input's evaluation.md has the details).%n%n", inputs.size()));
        md.append("Per input: Ballast, and the quickest MOA detector that met the budget on that input.\n\n");
        md.append("| input | TIPPING: Ballast median (p90), recall | typed TIPPING | TIPPING: quickest MOA | DRIFT: Ballast "
                + "median (p90), recall | DRIFT: quickest MOA | POLICY_SENSITIVE: Ballast median, recall | Ballast false "
                + "alarms (per 100k events of unchanged agents) | Ballast calibration alarms (MOA's cap) |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Input input : inputs) {
            input.ballast().ifPresent(b -> md.append(row(input.name(), b.score(), b.calibrationAlarms() + " ("
                    + input.allowedAlarms() + ")", quickestMoa(input, "TIPPING"), quickestMoa(input, "DRIFT"))));
        }
        pooled.stream().filter(p -> p.detector().equals(BALLAST)).findFirst().ifPresent(b -> md.append(row(
                "**all " + inputs.size() + " pooled**", b.score(), "-", pooledQuickestMoa("TIPPING"),
                pooledQuickestMoa("DRIFT"))));
        md.append(String.format(Locale.ROOT, "%nBallast is not tuned on the calibration events: its alarms there "
                + "check the thresholds it derives from the budget, and a detector exactly at the budget averages "
                + "%.1f of them per input (Poisson-scattered), where each MOA setting was fitted to show at most the "
                + "cap.%n", inputs.stream().mapToDouble(Input::alarmsAtBudget).average().orElse(Double.NaN)));
        md.append("\nPooled: every detector over all inputs' agents together (MOA with each input's own calibrated "
                + "setting).\n\n| detector | inputs where it met the budget | scenario | agents | recall | median delay "
                + "| p90 delay | false alarms per 100k |\n|---|---|---|---|---|---|---|---|\n");
        for (Pooled p : pooled) {
            for (String kind : EvaluationReport.KINDS) {
                DetectionScore.KindScore k = p.score().kinds().get(kind);
                if (k != null) {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %s | %s | %s | %s |%n", p.detector(),
                            p.detector().equals(BALLAST) ? "- (not tuned on it)" : p.inputsWithinBudget() + " of " + p.inputs(),
                            kind, k.agents(), ReportWriter.fmt(k.recall()), ReportWriter.fmt(k.medianDelay()),
                            ReportWriter.fmt(k.p90Delay()), EvaluationReport.per100k(p.score())));
                }
            }
        }
        if (pooledDiffusion != null) {
            md.append("\nDiffusion (Ballast only).\n\n| input | contagious groups | detected | before half turned | "
                    + "patient zero named | control groups | alerts on control groups |\n|---|---|---|---|---|---|---|\n");
            for (Input input : inputs) {
                if (input.diffusion() != null) {
                    md.append(diffusionRow(input.name(), input.diffusion()));
                }
            }
            md.append(diffusionRow("**all pooled**", pooledDiffusion));
        }
        return md.toString();
    }

    private static String row(String name, DetectionScore s, String calibration, String moaTipping, String moaDrift) {
        DetectionScore.KindScore tipping = s.kinds().get("TIPPING");
        DetectionScore.KindScore drift = s.kinds().get("DRIFT");
        DetectionScore.KindScore sensitive = s.kinds().get("POLICY_SENSITIVE");
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", name, delays(tipping, true),
                tipping == null ? "-" : ReportWriter.fmt(tipping.typedRecall()), moaTipping, delays(drift, true), moaDrift,
                delays(sensitive, false), s.falseAlarms() + " (" + EvaluationReport.per100k(s) + ")", calibration);
    }

    private static String delays(DetectionScore.KindScore k, boolean p90) {
        if (k == null) {
            return "-";
        }
        return ReportWriter.fmt(k.medianDelay()) + (p90 ? " (" + ReportWriter.fmt(k.p90Delay()) + ")" : "") + ", "
                + ReportWriter.fmt(k.recall());
    }

    /** A MOA detector's figures on one input or pooled, and whether it met the budget there. */
    private record Candidate(String detector, DetectionScore score, boolean metBudget) {
    }

    /** The MOA detector with the lowest median delay on {@code kind} among those that met this input's budget. */
    private static String quickestMoa(Input input, String kind) {
        return quickest(input.results().stream().map(r -> new Candidate(r.detector(), r.score(),
                r.calibrationAlarms() <= input.allowedAlarms())).toList(), kind, "none met the budget");
    }

    /** Pooled, among the MOA detectors that met the budget on every input. */
    private String pooledQuickestMoa(String kind) {
        return quickest(pooled.stream().map(p -> new Candidate(p.detector(), p.score(),
                p.inputsWithinBudget() == inputs.size())).toList(), kind, "none met the budget on every input");
    }

    /** "-" where no MOA detector scored {@code kind}; {@code none} where none of those met its budget. */
    private static String quickest(List<Candidate> candidates, String kind, String none) {
        List<Candidate> moa = candidates.stream()
                .filter(c -> !c.detector().equals(BALLAST) && c.score().kinds().containsKey(kind)).toList();
        if (moa.isEmpty()) {
            return "-";
        }
        return moa.stream()
                .filter(c -> c.metBudget() && !c.score().kinds().get(kind).delays().isEmpty())
                .min(Comparator.comparingDouble((Candidate c) -> c.score().kinds().get(kind).medianDelay())
                        .thenComparing(c -> -c.score().kinds().get(kind).recall()))
                .map(c -> moa(c.detector(), c.score().kinds().get(kind)))
                .orElse(none);
    }

    private static String moa(String detector, DetectionScore.KindScore k) {
        return detector.replaceFirst("^MOA ", "") + " " + ReportWriter.fmt(k.medianDelay()) + ", "
                + ReportWriter.fmt(k.recall());
    }

    private static String diffusionRow(String name, DiffusionScore d) {
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d |%n", name, d.contagiousGroups(), d.detected(),
                d.detectedBeforeHalf(), d.patientZeroCorrect(), d.controlGroups(), d.controlAlerts());
    }

    /** Writes {@code summary.md} and {@code summary.json} to {@code out}. */
    void write(Path out) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("inputs", inputs.stream().map(i -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", i.name());
            one.put("evaluation", i.name() + "/evaluation.json");
            one.put("allowedAlarms", i.allowedAlarms());
            i.ballast().ifPresent(b -> one.put("ballast", b));
            if (i.diffusion() != null) {
                one.put("diffusion", i.diffusion());
            }
            return one;
        }).toList());
        json.put("pooled", pooled);
        if (pooledDiffusion != null) {
            json.put("pooledDiffusion", pooledDiffusion);
        }
        Files.writeString(out.resolve("summary.json"),
                EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        Files.writeString(out.resolve("summary.md"), markdown());
    }
}
