package dev.ballast.streams.replay;

import static dev.ballast.streams.replay.ReportWriter.escape;
import static dev.ballast.streams.replay.ReportWriter.fmt;

import dev.ballast.events.GateDecision;
import dev.ballast.streams.eval.GateScore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fine-tuning gate's part of {@code report.html}: decisions and reasons, the gradNorm
 * distribution by outcome with each dataset's final threshold, the score against ground truth
 * when there is one, and the quarantined candidates.
 */
final class GateSection {
    private static final int MAX_ROWS = 300;
    private static final String ACCEPTED = "#2a9d8f";
    private static final String HIGH = "#d1495b";
    private static final String OTHER = "#999999";

    private GateSection() {
    }

    static String render(List<GateDecision> decisions, GateScore score, String modelVersion) {
        StringBuilder h = new StringBuilder("<h2>Fine-tuning gate</h2>");
        long accepted = decisions.stream().filter(d -> d.decision() == GateDecision.Decision.ACCEPT).count();
        Map<String, Long> reasons = new TreeMap<>();
        decisions.forEach(d -> d.reasons().forEach(r -> reasons.merge(r, 1L, Long::sum)));
        h.append(String.format(Locale.ROOT, "<p>%,d candidates scored by model <code>%s</code>: %,d accepted, %,d "
                + "quarantined.</p><table><tr><th>quarantine reason</th><th>candidates</th></tr>", decisions.size(),
                escape(modelVersion), accepted, decisions.size() - accepted));
        reasons.forEach((r, n) -> h.append("<tr><td>").append(escape(r)).append("</td><td>").append(n)
                .append("</td></tr>"));
        h.append("</table><h3>gradNorm by outcome</h3>").append(histogram(decisions));
        if (score != null) {
            h.append(String.format(Locale.ROOT, "<h3>Against ground truth</h3><p>%,d of %,d candidates decided exactly "
                    + "once (%d missing, %d twice). %d of %d rule breakers quarantined naming their rule; %d false "
                    + "conflicts. gradNorm AUROC, harmful compliance vs benign: <b>%s</b>.</p>", score.decided(),
                    score.candidates(), score.missing(), score.duplicated(), score.ruleCaught(), score.ruleBreaking(),
                    score.falseConflicts(), fmt(score.auroc())));
            h.append("<table><tr><th>kind</th><th>samples</th><th>accepted</th><th>accepted once warm</th></tr>");
            score.kinds().forEach((kind, k) -> h.append(String.format(Locale.ROOT,
                    "<tr><td>%s</td><td>%d</td><td>%d</td><td>%s of %d</td></tr>", kind, k.samples(), k.accepted(),
                    fmt(k.warmAcceptedShare()), k.warm())));
            h.append("</table>");
            if (score.surgeDatasets() > 0) {
                h.append(String.format(Locale.ROOT, "<p>GATE_SURGE: %d of %d poisoned datasets alerted%s; %d false "
                        + "alarms.</p>", score.surgesDetected(), score.surgeDatasets(),
                        escape(score.surgeDelays().isEmpty() ? "" : " (samples after the jump: " + score.surgeDelays() + ")"),
                        score.surgeFalseAlarms()));
                score.surgesInBaselineNotes().forEach(note -> h.append("<p>").append(escape(note)).append(".</p>"));
            }
        }
        h.append("<h3>Quarantined</h3><table><tr><th>sample</th><th>dataset</th><th>reasons</th><th>gradNorm</th>"
                + "<th>threshold</th><th>policy</th></tr>");
        List<GateDecision> held = decisions.stream()
                .filter(d -> d.decision() == GateDecision.Decision.QUARANTINE && !d.reasons().contains(GateDecision.WARMUP))
                .toList();
        held.stream().limit(MAX_ROWS).forEach(d -> h.append(String.format(Locale.ROOT,
                "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", escape(d.sampleId()),
                escape(d.datasetId()), escape(String.join(", ", d.reasons())), d.gradNorm() == null ? "" : fmt(d.gradNorm()),
                d.threshold() == null ? "" : fmt(d.threshold()), escape(d.policyVersion()))));
        h.append("</table>");
        if (held.size() > MAX_ROWS) {
            h.append("<p>").append(held.size() - MAX_ROWS).append(" more in gate.jsonl.</p>");
        }
        return h.toString();
    }

    /** Stacked histogram of gradNorm: accepted, held for a high gradient, held for anything else. */
    private static String histogram(List<GateDecision> decisions) {
        double max = decisions.stream().filter(d -> d.gradNorm() != null).mapToDouble(GateDecision::gradNorm).max()
                .orElse(0);
        if (max <= 0) {
            return "<p>No scores.</p>";
        }
        int bins = 40;
        int[][] counts = new int[bins][3];
        for (GateDecision d : decisions) {
            if (d.gradNorm() == null) {
                continue;
            }
            int b = (int) Math.min(bins - 1, d.gradNorm() / max * bins);
            int series = d.decision() == GateDecision.Decision.ACCEPT ? 0
                    : d.reasons().contains(GateDecision.HIGH_GRADIENT) ? 1 : 2;
            counts[b][series]++;
        }
        int top = 1;
        for (int[] c : counts) {
            top = Math.max(top, c[0] + c[1] + c[2]);
        }
        int w = 900;
        int hgt = 180;
        double bw = (double) w / bins;
        String[] colours = {ACCEPTED, HIGH, OTHER};
        String[] names = {"accepted", "quarantined: high gradient", "quarantined: other reasons only"};
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg class=\"plot gradnorm\" width=\"%d\" height=\"%d\" role=\"img\"><title>gradNorm histogram</title>", w, hgt + 40));
        for (int b = 0; b < bins; b++) {
            double y = hgt;
            for (int series = 0; series < 3; series++) {
                int n = counts[b][series];
                if (n > 0) {
                    double bh = (double) n * hgt / top;
                    y -= bh;
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%.3g-%.3g, %s: %d</title></rect>", b * bw + 1, y, bw - 2, bh,
                            colours[series], b * max / bins, (b + 1) * max / bins, names[series], n));
                }
            }
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        decisions.forEach(d -> {
            if (d.threshold() != null) {
                thresholds.put(d.datasetId(), d.threshold());
            }
        });
        thresholds.forEach((dataset, t) -> {
            double x = Math.min(w, t / max * w);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" stroke=\"#333\" "
                    + "stroke-dasharray=\"4 3\"><title>%s threshold %.3g</title></line>", x, x, hgt, escape(dataset), t));
        });
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-size=\"12\">0</text><text x=\"%d\" y=\"%d\" "
                + "font-size=\"12\" text-anchor=\"end\">gradNorm %.3g</text>", hgt + 14, w, hgt + 14, max));
        int x = 0;
        for (int series = 0; series < 3; series++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>", x, hgt + 24, colours[series], x + 14, hgt + 33,
                    names[series]));
            x += 250;
        }
        return svg.append("<text class=\"axis-label\" x=\"").append(w).append("\" y=\"12\" font-size=\"12\" "
                + "text-anchor=\"end\">candidates per gradNorm bin (max ").append(top).append("); dashed: each "
                + "dataset's last gate threshold</text></svg>").toString();
    }
}
