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
    /** Flagged agents whose violation history the report plots. */
    public static final int PLOTTED_AGENTS = 12;
    /** Events the plotted violation rate averages over. */
    private static final int RATE_WINDOW = 20;

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
        h.append(flaggedAgents(result));
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
                    + "the group had turned, patient zero named correctly in %d; DIFFUSION alerts on the %d control groups: %d.</p>",
                    diffusion.detected(), diffusion.contagiousGroups(), diffusion.detectedBeforeHalf(),
                    diffusion.patientZeroCorrect(), diffusion.controlGroups(), diffusion.controlAlerts()));
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
                "<svg class=\"plot timeline\" width=\"%d\" height=\"%d\" role=\"img\"><title>alerts per bucket</title>", w, hgt + 40));
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
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" font-size=\"12\" "
                + "text-anchor=\"middle\">event time (%d buckets)</text>", w / 2, hgt + 16, buckets));
        return svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%d\" y=\"12\" font-size=\"12\" "
                + "text-anchor=\"end\">alerts per bucket (max %d)</text>", w, max)).append("</svg>").toString();
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
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg class=\"plot delays\" width=\"%d\" "
                + "height=\"%d\" role=\"img\"><title>detection delays</title>", w, hgt + 34));
        double bw = (double) w / bins;
        for (int b = 0; b < bins; b++) {
            double bh = (double) counts[b] * hgt / max;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#555\">"
                    + "<title>%.0f-%.0f events: %d agents</title></rect>", b * bw + 1, hgt - bh, bw - 2, bh,
                    b * width, (b + 1) * width, counts[b]));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-size=\"11\">0</text>"
                + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%d events</text>", hgt + 14, w, hgt + 14, maxDelay));
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" font-size=\"11\" "
                + "text-anchor=\"middle\">detection delay (events); bar height: agents (max %d)</text>", w / 2, hgt + 28,
                max));
        return svg.append("</svg>").toString();
    }

    /**
     * Small multiples, one per flagged agent: its violation rate over its own events (mean of the
     * last {@value #RATE_WINDOW}), the change point the detector estimated and where it alerted.
     */
    private static String flaggedAgents(ReplayRunner.Result result) {
        if (result.agentViolations() == null || result.agentViolations().isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h2>Flagged agents</h2><p>Violation rate over each agent's own events "
                + "(mean of the last " + RATE_WINDOW + "), the change point its detector estimated (dashed), the "
                + "alert, and the escalation to TIPPING where a DRIFT episode got one. The first " + PLOTTED_AGENTS
                + " agents alerted for TIPPING or DRIFT.</p>");
        result.agentViolations().forEach((agentId, flags) -> {
            Alert alert = result.alerts().stream().filter(a -> agentId.equals(a.agentId()) && !a.escalation()
                    && (a.type() == AlertType.TIPPING || a.type() == AlertType.DRIFT)).findFirst().orElse(null);
            Alert escalation = alert == null ? null
                    : result.alerts().stream().filter(a -> a.escalates(alert)).findFirst().orElse(null);
            h.append("<div style=\"display:inline-block;margin:0 1em 1em 0\">").append(agentPlot(agentId, flags, alert,
                    alert == null ? -1 : result.positions().position(alert.triggerEventId()),
                    escalation == null ? -1 : result.positions().position(escalation.triggerEventId())))
                    .append("</div>");
        });
        return h.toString();
    }

    /** One agent's plot; {@code escalatedAt} is the event of its episode's escalation to TIPPING, or -1. */
    static String agentPlot(String agentId, boolean[] flags, Alert alert, long alertAt, long escalatedAt) {
        int w = 420;
        int hgt = 120;
        int left = 40;
        int top = 20;
        int n = Math.max(1, flags.length);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg class=\"plot agent\" width=\"%d\" "
                + "height=\"%d\" role=\"img\"><title>%s violation rate</title>", w + left + 10, hgt + top + 40,
                escape(agentId)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"14\" font-size=\"12\" font-weight=\"bold\">%s%s</text>",
                left, escape(agentId), alert == null ? "" : " (" + alert.type()
                        + (escalatedAt >= 0 ? ", then " + AlertType.TIPPING : "") + ")"));
        axes(svg, left, top, w, hgt, "agent's events", "violation rate", "0", Integer.toString(flags.length), "0", "1");
        StringBuilder points = new StringBuilder();
        int inWindow = 0;
        for (int i = 0; i < flags.length; i++) {
            inWindow += flags[i] ? 1 : 0;
            if (i >= RATE_WINDOW && flags[i - RATE_WINDOW]) {
                inWindow--;
            }
            double rate = (double) inWindow / Math.min(i + 1, RATE_WINDOW);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + (double) i * w / n, top + hgt - rate * hgt));
        }
        svg.append("<polyline class=\"series\" fill=\"none\" stroke=\"#2e6f9e\" stroke-width=\"1.5\" points=\"")
                .append(points).append("\"/>");
        if (alert != null && alert.evidence() != null && alert.evidence().get("changeStartEvent") instanceof Number c) {
            double x = left + c.doubleValue() * w / n;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#555\" "
                    + "stroke-dasharray=\"4 3\"><title>estimated change point: event %d</title></line>", x, x, top,
                    top + hgt, c.longValue()));
        }
        if (alertAt >= 0) {
            double x = left + (double) alertAt * w / n;
            svg.append(String.format(Locale.ROOT, "<line class=\"alert-marker\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
                    + "y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"><title>%s alert at event %d</title></line>", x, x, top,
                    top + hgt, COLOURS.get(alert.type()), alert.type(), alertAt));
        }
        if (escalatedAt >= 0) {
            double x = left + (double) escalatedAt * w / n;
            svg.append(String.format(Locale.ROOT, "<line class=\"alert-marker escalation\" x1=\"%.1f\" x2=\"%.1f\" "
                    + "y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"><title>escalated to TIPPING at event %d"
                    + "</title></line>", x, x, top, top + hgt, COLOURS.get(AlertType.TIPPING), escalatedAt));
        }
        return svg.append("</svg>").toString();
    }

    /** A frame with both axes labelled and their ends annotated. */
    static void axes(StringBuilder svg, int left, int top, int w, int hgt, String xLabel, String yLabel, String xFrom,
                     String xTo, String yFrom, String yTo) {
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#bbb\"/>", left, top, w, hgt));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", left, top + hgt + 13,
                escape(xFrom)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                left + w, top + hgt + 13, escape(xTo)));
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" font-size=\"11\" "
                + "text-anchor=\"middle\">%s</text>", left + w / 2, top + hgt + 28, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                left - 4, top + hgt, escape(yFrom)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>",
                left - 4, top + 10, escape(yTo)));
        svg.append(String.format(Locale.ROOT, "<text class=\"axis-label\" font-size=\"11\" text-anchor=\"middle\" "
                + "transform=\"translate(%d,%d) rotate(-90)\">%s</text>", left - 26, top + hgt / 2, escape(yLabel)));
    }

    /** How a group turned: members deviant over time since the first turn, the alert and half the group marked. */
    @SuppressWarnings("unchecked")
    private static String spreadPlot(Alert a) {
        List<Map<String, Object>> steps = (List<Map<String, Object>>) a.evidence().get("timeline");
        List<Instant> turns = new java.util.ArrayList<>();
        for (Map<String, Object> step : steps) {
            try {
                turns.add(Instant.parse(String.valueOf(step.get("turnedAt"))));
            } catch (java.time.format.DateTimeParseException e) {
                // A step without a time is listed in the table only.
            }
        }
        if (turns.isEmpty()) {
            return "";
        }
        turns.sort(null);
        int members = a.evidence().get("members") instanceof Number m ? m.intValue() : turns.size();
        Instant first = turns.get(0);
        long span = Math.max(1, Math.max(turns.get(turns.size() - 1).toEpochMilli(),
                a.eventTimestamp().toEpochMilli()) - first.toEpochMilli());
        int w = 420;
        int hgt = 120;
        int left = 40;
        int top = 10;
        int yMax = Math.max(1, members);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg class=\"plot spread\" width=\"%d\" "
                + "height=\"%d\" role=\"img\"><title>%s spread</title>", w + left + 10, hgt + top + 40,
                escape(a.groupId())));
        axes(svg, left, top, w, hgt, "minutes since the first turn", "members turned", "0",
                String.format(Locale.ROOT, "%.1f", span / 60_000.0), "0", Integer.toString(yMax));
        StringBuilder points = new StringBuilder(String.format(Locale.ROOT, "%d,%d ", left, top + hgt));
        for (int i = 0; i < turns.size(); i++) {
            double x = left + (double) (turns.get(i).toEpochMilli() - first.toEpochMilli()) * w / span;
            points.append(String.format(Locale.ROOT, "%.1f,%.1f %.1f,%.1f ", x, top + hgt - (double) i * hgt / yMax, x,
                    top + hgt - (double) (i + 1) * hgt / yMax));
        }
        svg.append("<polyline class=\"series\" fill=\"none\" stroke=\"#6a4c93\" stroke-width=\"1.5\" points=\"")
                .append(points).append("\"/>");
        double half = top + hgt - (members / 2.0) * hgt / yMax;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" "
                + "stroke-dasharray=\"2 3\"><title>half the group</title></line>", left, left + w, half, half));
        double ax = left + (double) (a.eventTimestamp().toEpochMilli() - first.toEpochMilli()) * w / span;
        return svg.append(String.format(Locale.ROOT, "<line class=\"alert-marker\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" "
                + "y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"><title>DIFFUSION alert</title></line></svg>", ax, ax, top,
                top + hgt, COLOURS.get(AlertType.DIFFUSION))).toString();
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
                    + "(%s)</h3>", escape(a.groupId()), escape(String.valueOf(a.evidence().get("patientZero"))), a.score(),
                    a.evidence().get("deviantShare"), a.eventTimestamp()));
            t.append(spreadPlot(a)).append("<table><tr><th>agent</th><th>turned at</th><th>from</th></tr>");
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
        return t.append("</table><p>False alarms: ").append(escape(score.falseAlarmSentence())).append(".</p>")
                .append(score.unplacedNote().isEmpty() ? "" : "<p>" + escape(score.unplacedNote()) + ".</p>").toString();
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
