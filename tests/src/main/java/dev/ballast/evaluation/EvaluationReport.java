package dev.ballast.evaluation;

import dev.ballast.events.EventJson;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.replay.ReportWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes {@code evaluation.json}, {@code evaluation.md} and {@code evaluation.html}, and links the latter from {@code report.html}. */
final class EvaluationReport {
    static final List<String> KINDS = List.of("TIPPING", "DRIFT", "POLICY_SENSITIVE");

    private EvaluationReport() {
    }

    /**
     * How the detectors were put on the budget. MOA's are tuned on the calibration events; Ballast's
     * thresholds come from the budget alone, so its alarms there check that derivation and, being a
     * count of rare events, scatter around their expectation rather than stay under MOA's cap.
     */
    static String budgetLine(Calibration calibration) {
        return String.format(Locale.ROOT, "False-alarm budget: %,.0f in-control events per false alarm. MOA's detectors are "
                + "calibrated to at most %d alarms on %,d in-control calibration events, Bernoulli at the %s%s. Ballast is "
                + "not tuned on them: its thresholds come from the budget alone, and its alarms there check that (a "
                + "detector exactly at the budget averages %.1f, Poisson-scattered).",
                calibration.budget(), calibration.allowedAlarms(), calibration.countedEvents(), calibration.source(),
                calibration.segments().isEmpty() ? ""
                        : " (Ballast's calibration events are drawn from those agents' own events, rewards included, "
                        + "since it also reads rewards)",
                calibration.countedEvents() / calibration.budget());
    }

    static String markdown(List<DetectorResult> results, Calibration calibration) {
        StringBuilder md = new StringBuilder();
        md.append(budgetLine(calibration)).append("\n\n");
        md.append("| detector | setting | calibration alarms | scenario | recall | median delay | p90 delay | missed "
                + "| false alarms per 100k | events between false alarms |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (DetectorResult r : results) {
            for (String kind : KINDS) {
                DetectionScore.KindScore k = r.score().kinds().get(kind);
                if (k == null) {
                    continue;
                }
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
                        r.detector(), r.setting(), r.calibrationAlarms(), kind, ReportWriter.fmt(k.recall()), ReportWriter.fmt(k.medianDelay()),
                        ReportWriter.fmt(k.p90Delay()), ReportWriter.fmt(1 - k.recall()), per100k(r.score()),
                        Double.isNaN(r.meanEventsBetweenFalseAlarms()) ? "- (no unchanged agents)"
                                : Double.isInfinite(r.meanEventsBetweenFalseAlarms()) ? "none seen"
                                : String.format(Locale.ROOT, "%,.0f", r.meanEventsBetweenFalseAlarms())));
            }
        }
        boolean anyRow = results.stream().anyMatch(r -> KINDS.stream().anyMatch(r.score().kinds()::containsKey));
        if (!anyRow) {
            md.append("\nNo agent of the truth file is TIPPING, DRIFT or POLICY_SENSITIVE: no per-agent detection "
                    + "to score.\n");
        }
        // Every detector is scored against the same truth, so the first names what all of them left out.
        String unplaced = results.isEmpty() ? "" : results.get(0).score().unplacedNote();
        if (!unplaced.isEmpty()) {
            md.append("\n").append(unplaced).append("; left out of every detector's figures.\n");
        }
        return md.toString();
    }

    static String per100k(DetectionScore score) {
        return Double.isNaN(score.falseAlarmsPer100k()) ? "-" : String.format(Locale.ROOT, "%.2f", score.falseAlarmsPer100k());
    }

    static void write(Path out, List<DetectorResult> results, Calibration calibration, DiffusionScore diffusion,
                      double ballastTypedTippingRecall) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("budgetEventsPerFalseAlarm", calibration.budget());
        json.put("calibration", Map.of("streams", calibration.streams(), "eventsPerStream", calibration.length(),
                "warmupEvents", calibration.warmup(), "countedEvents", calibration.countedEvents(),
                "allowedAlarms", calibration.allowedAlarms(), "seed", calibration.seed(), "baselineRatesFrom",
                calibration.source()));
        json.put("ballastTypedTippingRecall", ballastTypedTippingRecall);
        json.put("detectors", results);
        if (diffusion != null) {
            json.put("diffusion", diffusion);
        }
        Files.writeString(out.resolve("evaluation.json"),
                EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        String md = markdown(results, calibration);
        Files.writeString(out.resolve("evaluation.md"), md);
        Files.writeString(out.resolve("evaluation.html"), html(results, md));
        Path report = out.resolve("report.html");
        if (Files.isRegularFile(report)) {
            String page = Files.readString(report);
            String link = "<p><a href=\"evaluation.html\">Detector comparison: Ballast and MOA at an equal false-alarm "
                    + "budget</a></p>";
            if (!page.contains("evaluation.html")) {
                Files.writeString(report, page.replaceFirst("</h1>", "</h1>" + link));
            }
        }
    }

    private static String html(List<DetectorResult> results, String markdown) {
        StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Ballast evaluation"
                + "</title><style>body{font-family:system-ui,sans-serif;margin:2em}td{padding:0 1em 1em 0;vertical-align:top}"
                + "</style></head><body><h1>Detection delay per detector</h1><p>Events from each agent's change to the "
                + "detector's first alarm, per scenario kind. <a href=\"report.html\">Back to the report</a></p><table><tr><th></th>");
        KINDS.forEach(k -> h.append("<th>").append(k).append("</th>"));
        h.append("</tr>");
        for (DetectorResult r : results) {
            h.append("<tr><td><b>").append(ReportWriter.escape(r.detector())).append("</b><br>")
                    .append(ReportWriter.escape(r.setting())).append("</td>");
            for (String kind : KINDS) {
                DetectionScore.KindScore k = r.score().kinds().get(kind);
                h.append("<td>");
                if (k != null && !k.delays().isEmpty()) {
                    h.append(ReportWriter.histogram(k.delays())).append(String.format(Locale.ROOT,
                            "<br>median %s, p90 %s, recall %s", ReportWriter.fmt(k.medianDelay()), ReportWriter.fmt(k.p90Delay()), ReportWriter.fmt(k.recall())));
                } else {
                    h.append("no detections");
                }
                h.append("</td>");
            }
            h.append("</tr>");
        }
        return h.append("</table><h2>Table</h2><pre>").append(ReportWriter.escape(markdown)).append("</pre></body></html>")
                .toString();
    }
}
