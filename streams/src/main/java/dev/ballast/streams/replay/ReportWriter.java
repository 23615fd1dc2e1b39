package dev.ballast.streams.replay;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.EventJson;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.eval.GateScore;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code report.html}: the run's figures, alerts over event time by type, detection
 * delay distributions when ground truth is known, and the alert and dead-letter tables. Plots are
 * inline SVG, so the file opens anywhere without network access.
 */
public final class ReportWriter {
    private static final Map<AlertType, String> COLOURS = Map.of(AlertType.DRIFT, "#f2a900",
            AlertType.TIPPING, "#d1495b", AlertType.DIFFUSION, "#6a4c93", AlertType.GATE_SURGE, "#00798c");
    private static final int MAX_ROWS = 500;

    private ReportWriter() {
    }

    public static String render(ReplayRunner.Result result, DetectionScore score, DiffusionScore diffusion,
                                GateScore gate, TriageSection.Agreement triage) {
        ReplaySummary s = result.summary();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Ballast report</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;")
                .append("font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}")
                .append("th{background:#f4f4f4}.k{display:inline-block;margin-right:2em}.k b{font-size:22px;")
                .append("display:block}code{font-size:12px}</style></head><body><h1>Ballast report</h1>");
        h.append("<div>");
        kpi(h, "agents", s.agents());
        kpi(h, "interactions", s.interactions());
        kpi(h, "violations", s.violations());
        s.alertsByType().forEach((type, n) -> kpi(h, type.toLowerCase(Locale.ROOT) + " alerts", n));
        kpi(h, "dead letters", s.deadLetters());
        h.append(String.format(Locale.ROOT, "<span class=\"k\"><b>%.1f s</b>elapsed (%,.0f interactions/s)</span>",
                s.elapsedSeconds(), s.interactionsPerSecond()));
        h.append("</div><h2>Alerts over event time</h2>").append(timeline(result.alerts()));
        if (score != null) {
            h.append("<h2>Detection against ground truth</h2>").append(scoreTable(score))
                    .append("<h3>Detection delay (agent's own events after its change)</h3>");
            score.kinds().forEach((kind, k) -> {
                if (!k.delays().isEmpty()) {
                    h.append("<div style=\"display:inline-block;margin-right:1em\"><div>").append(kind)
                            .append("</div>").append(histogram(k.delays())).append("</div>");
                }
            });
        }
        if (diffusion != null) {
            h.append(String.format(Locale.ROOT, "<h3>Diffusion</h3><p>%d of %d contagious groups detected, %d before half "
                    + "the group had turned, patient zero named correctly in %d; %d DIFFUSION alerts on %d control groups.</p>",
                    diffusion.detected(), diffusion.contagiousGroups(), diffusion.detectedBeforeHalf(),
                    diffusion.patientZeroCorrect(), diffusion.controlAlerts(), diffusion.controlGroups()));
        }
        h.append(spreads(result.alerts()));
        if (s.modelVersion() != null) {
            h.append(GateSection.render(result.gateDecisions(), gate, s.modelVersion()));
        }
        h.append(TriageSection.render(result, triage));
        h.append("<h2>Alerts</h2>").append(alertTable(result.alerts()));
        h.append("<h2>Dead letters</h2>").append(deadLetterTable(result.deadLetters()));
        h.append("<h2>Summary</h2><pre>").append(escape(EventJson.writeString(s))).append("</pre></body></html>");
        return h.toString();
    }

    private static void kpi(StringBuilder h, String label, long value) {
        h.append(String.format(Locale.ROOT, "<span class=\"k\"><b>%,d</b>%s</span>", value, label));
    }

    private static String timeline(List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return "<p>No alerts.</p>";
        }
        int buckets = 48;
        int w = 900;
        int hgt = 200;
        Instant first = alerts.get(0).eventTimestamp();
        Instant last = alerts.get(alerts.size() - 1).eventTimestamp();
        long span = Math.max(1, last.toEpochMilli() - first.toEpochMilli());
        int[][] counts = new int[buckets][AlertType.values().length];
        for (Alert a : alerts) {
            int b = (int) Math.min(buckets - 1, (a.eventTimestamp().toEpochMilli() - first.toEpochMilli()) * buckets / span);
            counts[b][a.type().ordinal()]++;
        }
        int max = 1;
        for (int[] c : counts) {
            max = Math.max(max, java.util.Arrays.stream(c).sum());
        }
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" role=\"img\"><title>alerts per bucket</title>", w, hgt + 40));
        double bw = (double) w / buckets;
        for (int b = 0; b < buckets; b++) {
            double y = hgt;
            for (AlertType type : AlertType.values()) {
                int n = counts[b][type.ordinal()];
                if (n > 0) {
                    double bh = (double) n * hgt / max;
                    y -= bh;
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%s: %d</title></rect>", b * bw + 1, y, bw - 2, bh, COLOURS.get(type), type, n));
                }
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>", hgt + 16, first));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
                w, hgt + 16, last));
        int x = 0;
        for (AlertType type : AlertType.values()) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>", x, hgt + 26, COLOURS.get(type), x + 14, hgt + 35, type));
            x += 110;
        }
        return svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"12\" font-size=\"12\" text-anchor=\"end\">max %d per bucket</text>",
                w, max)).append("</svg>").toString();
    }

    /** An SVG histogram of detection delays, in events. */
    public static String histogram(List<Long> delays) {
        long maxDelay = delays.stream().mapToLong(Long::longValue).max().orElse(0);
        int bins = (int) Math.min(30, maxDelay + 1);
        double width = (double) (maxDelay + 1) / bins;
        int[] counts = new int[bins];
        for (long d : delays) {
            counts[(int) Math.min(bins - 1, d / width)]++;
        }
        int max = java.util.Arrays.stream(counts).max().orElse(1);
        int w = 300;
        int hgt = 120;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\">", w, hgt + 20));
        double bw = (double) w / bins;
        for (int b = 0; b < bins; b++) {
            double bh = (double) counts[b] * hgt / max;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#555\">"
                    + "<title>%.0f-%.0f events: %d agents</title></rect>", b * bw + 1, hgt - bh, bw - 2, bh,
                    b * width, (b + 1) * width, counts[b]));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-size=\"11\">0</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%d events</text>", hgt + 14, w, hgt + 14, maxDelay));
        return svg.append("</svg>").toString();
    }

    /** One table per DIFFUSION alert: who turned when, and from whom. */
    @SuppressWarnings("unchecked")
    private static String spreads(List<Alert> alerts) {
        StringBuilder t = new StringBuilder();
        for (Alert a : alerts) {
            if (a.type() != AlertType.DIFFUSION) {
                continue;
            }
            if (t.length() == 0) {
                t.append("<h2>Spread in groups</h2>");
            }
            t.append(String.format(Locale.ROOT, "<h3>%s: patient zero %s, R %.2f, %s of the group deviant when it fired "
                    + "(%s)</h3><table><tr><th>agent</th><th>turned at</th><th>from</th></tr>", escape(a.groupId()),
                    escape(String.valueOf(a.evidence().get("patientZero"))), a.score(),
                    a.evidence().get("deviantShare"), a.eventTimestamp()));
            for (Map<String, Object> step : (List<Map<String, Object>>) a.evidence().get("timeline")) {
                t.append("<tr><td>").append(escape(String.valueOf(step.get("agentId")))).append("</td><td>")
                        .append(escape(String.valueOf(step.get("turnedAt")))).append("</td><td>")
                        .append(escape(step.get("source") == null ? "" : String.valueOf(step.get("source"))))
                        .append("</td></tr>");
            }
            t.append("</table>");
        }
        return t.toString();
    }

    private static String scoreTable(DetectionScore score) {
        StringBuilder t = new StringBuilder("<table><tr><th>kind</th><th>agents</th><th>recall</th><th>typed recall</th>"
                + "<th>median delay</th><th>p90 delay</th></tr>");
        score.kinds().forEach((kind, k) -> t.append(String.format(Locale.ROOT,
                "<tr><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", kind, k.agents(),
                fmt(k.recall()), fmt(k.typedRecall()), fmt(k.medianDelay()), fmt(k.p90Delay()))));
        return t.append(String.format(Locale.ROOT, "</table><p>False alarms: %d over %,d events of unchanged agents "
                + "(%.2f per 100,000); alerts before a change: %d.</p>", score.falseAlarms(), score.stableEvents(),
                score.falseAlarmsPer100k(), score.alertsBeforeChange())).toString();
    }

    private static String alertTable(List<Alert> alerts) {
        StringBuilder t = new StringBuilder("<table><tr><th>event time</th><th>type</th><th>agent</th><th>group</th>"
                + "<th>trigger event</th><th>score</th><th>policy</th><th>evidence</th></tr>");
        alerts.stream().limit(MAX_ROWS).forEach(a -> t.append(String.format(Locale.ROOT,
                "<tr><td>%s</td><td style=\"color:%s\">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.2f</td><td>%s</td>"
                        + "<td><code>%s</code></td></tr>", a.eventTimestamp(), COLOURS.get(a.type()), a.type(),
                escape(a.agentId()), escape(a.groupId()), escape(a.triggerEventId()), a.score(), escape(a.policyVersion()),
                escape(EventJson.writeString(a.evidence())))));
        t.append("</table>");
        if (alerts.size() > MAX_ROWS) {
            t.append("<p>").append(alerts.size() - MAX_ROWS).append(" more in alerts.jsonl.</p>");
        }
        return t.toString();
    }

    private static String deadLetterTable(List<DeadLetterLine> dead) {
        if (dead.isEmpty()) {
            return "<p>None.</p>";
        }
        StringBuilder t = new StringBuilder("<table><tr><th>source</th><th>reason</th><th>record</th></tr>");
        dead.stream().limit(MAX_ROWS).forEach(d -> t.append(String.format(Locale.ROOT,
                "<tr><td>%s/%s@%s</td><td>%s</td><td><code>%s</code></td></tr>", escape(d.sourceTopic()),
                d.sourcePartition(), d.sourceOffset(), escape(d.error()), escape(abbreviate(d.value())))));
        return t.append("</table>").toString();
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** Three significant digits; "-" for NaN (nothing to measure). */
    public static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3g", v);
    }

    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
