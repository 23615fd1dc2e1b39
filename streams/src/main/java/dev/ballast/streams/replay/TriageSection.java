package dev.ballast.streams.replay;

import dev.ballast.events.JobStatus;
import dev.ballast.events.RealignJob;
import dev.ballast.events.TriageDecision;
import dev.ballast.model.realign.InJvmLauncher;
import dev.ballast.streams.sim.GroundTruth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Triage and re-alignment in a replay: decisions by policy version and action, agreement with the
 * ground truth where it has the pairs, and each job with its before/after figures. Rendered as an
 * HTML section of the report and as lines of the console summary.
 */
public final class TriageSection {
    /** Triage against truth: decisions compared and those that agree, for each policy version truth names. */
    public record Agreement(long compared, long agreed) {
    }

    private TriageSection() {
    }

    /** The latest decision per (pair, policy version), in arrival order. */
    public static List<TriageDecision> latest(List<TriageDecision> decisions) {
        Map<String, TriageDecision> byKey = new LinkedHashMap<>();
        decisions.forEach(d -> byKey.put(d.pairId() + "\u0000" + d.policyVersion(), d));
        return List.copyOf(byKey.values());
    }

    /** Decisions by policy version, then action. */
    public static Map<String, Map<String, Long>> counts(List<TriageDecision> decisions) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (TriageDecision d : latest(decisions)) {
            out.computeIfAbsent(d.policyVersion(), v -> new TreeMap<>()).merge(d.action().name(), 1L, Long::sum);
        }
        return out;
    }

    /** How many of the latest decisions for versions the truth names agree with it. */
    public static Agreement agreement(List<TriageDecision> decisions, GroundTruth truth) {
        if (truth == null || truth.preferences() == null || truth.preferences().isEmpty()) {
            return null;
        }
        Map<String, Map<String, String>> expected = new TreeMap<>();
        truth.preferences().forEach(p -> expected.put(p.pairId(), p.actions()));
        long compared = 0;
        long agreed = 0;
        for (TriageDecision d : latest(decisions)) {
            Map<String, String> actions = expected.get(d.pairId());
            String want = actions == null ? null : actions.get(d.policyVersion());
            if (want != null) {
                compared++;
                agreed += want.equals(d.action().name()) ? 1 : 0;
            }
        }
        return new Agreement(compared, agreed);
    }

    /** The final status of each job, or null while it has none. */
    public static JobStatus statusOf(RealignJob job, List<JobStatus> statuses) {
        JobStatus last = null;
        for (JobStatus s : statuses) {
            if (s.jobId().equals(job.jobId())) {
                last = s;
            }
        }
        return last;
    }

    static String render(ReplayRunner.Result result, Agreement agreement) {
        StringBuilder h = new StringBuilder("<h2>Triage of preference data</h2>");
        Map<String, Map<String, Long>> counts = counts(result.triage());
        if (counts.isEmpty()) {
            h.append("<p>No preference pairs were triaged.</p>");
        } else {
            h.append("<table><tr><th>policy version</th><th>INVERT</th><th>DISCARD</th><th>PRESERVE</th></tr>");
            counts.forEach((version, byAction) -> h.append("<tr><td>").append(ReportWriter.escape(version))
                    .append("</td><td>").append(byAction.getOrDefault("INVERT", 0L)).append("</td><td>")
                    .append(byAction.getOrDefault("DISCARD", 0L)).append("</td><td>")
                    .append(byAction.getOrDefault("PRESERVE", 0L)).append("</td></tr>"));
            h.append("</table>");
            if (agreement != null) {
                h.append(String.format(Locale.ROOT, "<p>Against ground truth: %d of %d decisions agree.</p>",
                        agreement.agreed(), agreement.compared()));
            }
        }
        h.append("<h2>Re-alignment jobs</h2>");
        if (result.jobs().isEmpty()) {
            h.append("<p>No job was triggered.</p>");
            return h.toString();
        }
        boolean jobsRun = result.summary().processors().contains(ReplayRunner.JOBS_PROCESSOR);
        if (!jobsRun) {
            h.append("<p>Created by the trigger and not run here: this run scored detection only "
                    + "(<code>./ballast replay</code> runs them).</p>");
        }
        h.append("<table><tr><th>job</th><th>reason</th><th>policy version</th><th>state</th><th>device</th>"
                + "<th>preference accuracy before → after</th><th>on conflicts</th><th>perplexity before → after</th>"
                + "<th>seconds</th><th>new model</th><th>error</th></tr>");
        for (RealignJob job : result.jobs()) {
            JobStatus s = statusOf(job, result.jobStatuses());
            Map<String, Double> m = s == null || s.metrics() == null ? Map.of() : s.metrics();
            h.append("<tr><td>").append(ReportWriter.escape(job.jobId())).append("</td><td>").append(job.reason())
                    .append("</td><td>").append(ReportWriter.escape(job.policyVersion())).append("</td><td>")
                    .append(s != null ? s.state() : jobsRun ? "no status" : "not run").append("</td><td>")
                    .append(s == null ? "" : ReportWriter.escape(s.device())).append("</td><td>")
                    .append(pair(m, "preferenceAccuracy")).append("</td><td>").append(pair(m, "conflictAccuracy"))
                    .append("</td><td>").append(pair(m, "perplexity")).append("</td><td>")
                    .append(m.containsKey("seconds") ? ReportWriter.fmt(m.get("seconds")) : "").append("</td><td>")
                    .append(modelCell(s, m))
                    .append("</td><td>").append(s == null || s.error() == null ? "" : ReportWriter.escape(s.error()))
                    .append("</td></tr>");
        }
        return h.append("</table>").toString();
    }

    /** The model a job left in force, and whether it kept the one it found. */
    static String modelCell(JobStatus s, Map<String, Double> m) {
        if (s == null || s.modelVersion() == null) {
            return "";
        }
        return ReportWriter.escape(s.modelVersion())
                + (m.containsKey(InJvmLauncher.ALREADY_ALIGNED) ? " (already re-aligned on this data; kept)" : "");
    }

    /** "before → after" of a figure, or empty when the job did not report it. */
    public static String pair(Map<String, Double> m, String name) {
        Double before = m.get(name + "Before");
        Double after = m.get(name + "After");
        return before == null || after == null ? "" : ReportWriter.fmt(before) + " → " + ReportWriter.fmt(after);
    }
}
