package dev.ballast.streams.cli;

import dev.ballast.events.Alert;
import dev.ballast.events.AlertType;
import dev.ballast.events.JobStatus;
import dev.ballast.model.realign.InJvmLauncher;
import dev.ballast.streams.config.BallastConfig;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DetectionScorer;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.eval.DiffusionScorer;
import dev.ballast.streams.eval.GateScore;
import dev.ballast.streams.eval.GateScorer;
import dev.ballast.streams.metrics.BallastMetrics;
import dev.ballast.streams.replay.DeadLetterLine;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayOutputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.replay.ReplaySummary;
import dev.ballast.streams.replay.ReportWriter;
import dev.ballast.streams.replay.TriageSection;
import dev.ballast.streams.sim.GroundTruth;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Scores a replay against ground truth when there is one, writes the out directory, prints the summary. */
final class RunReport {
    private static final Pattern QUOTED_VALUE = Pattern.compile(" \\(got .*\\)$");

    private RunReport() {
    }

    /**
     * Runs {@code inputs} through the pipeline (the models its jobs train kept in {@code out/models})
     * and finishes the report; a run stopped before that says its outputs are incomplete.
     */
    static void replay(String command, BallastConfig config, ReplayInputs inputs, BallastMetrics metrics,
                       GroundTruth truth, Path out) {
        try (StopNotice notice = new StopNotice(command, out, System.err)) {
            ReplayRunner.Result result = new ReplayRunner(config, System.err)
                    .jobModels(out.resolve("models")).placing(changeEvents(truth)).run(inputs, metrics);
            finish(result, truth, config.gate().surge().warmupEvents(), out, System.out);
        }
    }

    /** The events at which the truth's agents changed, which scoring places in their streams. */
    private static Set<String> changeEvents(GroundTruth truth) {
        if (truth == null || truth.agents() == null) {
            return Set.of();
        }
        return truth.agents().stream().map(GroundTruth.AgentTruth::changeEventId).filter(Objects::nonNull)
                .collect(Collectors.toSet());
    }

    private static void finish(ReplayRunner.Result result, GroundTruth truth, int surgeWarmup, Path out,
                               PrintStream stdout) {
        DetectionScore score = truth == null ? null
                : new DetectionScorer(truth, result.positions()).score(result.alerts());
        DiffusionScore diffusion = truth == null || truth.groups() == null || truth.groups().isEmpty() ? null
                : new DiffusionScorer(truth).score(result.alerts());
        GateScore gate = truth == null || truth.candidates() == null || truth.candidates().isEmpty() ? null
                : new GateScorer(truth, surgeWarmup).score(result.gateDecisions(), result.alerts());
        TriageSection.Agreement triage = TriageSection.agreement(result.triage(), truth);
        ReplayOutputs.write(out, result, score, diffusion, gate, triage);
        print(result, score, diffusion, gate, out, stdout);
        printTriage(result, triage, stdout);
    }

    /**
     * How many TIPPING alerts re-type an episode first alerted as DRIFT, or nothing when none do:
     * without it, more TIPPING alerts than tipping agents would read as false alarms.
     */
    static String escalations(List<Alert> alerts) {
        long n = alerts.stream().filter(Alert::escalation).count();
        return n == 0 ? "" : String.format(Locale.ROOT, "; %d of the TIPPING ones escalate an episode first alerted as DRIFT", n);
    }

    private static void print(ReplayRunner.Result result, DetectionScore score, DiffusionScore diffusion,
                              GateScore gate, Path out, PrintStream o) {
        ReplaySummary s = result.summary();
        o.println();
        o.printf(Locale.ROOT, "  agents          %,d%n", s.agents());
        o.printf(Locale.ROOT, "  interactions    %,d judged, %,d violations%n", s.interactions(), s.violations());
        StringBuilder alerts = new StringBuilder();
        s.alertsByType().forEach((type, n) -> alerts.append(type).append(' ').append(n).append("  "));
        o.printf(Locale.ROOT, "  alerts          %d (%s)%s%n", s.alerts(), alerts.toString().trim(),
                escalations(result.alerts()));
        o.printf(Locale.ROOT, "  dead letters    %d%s%n", s.deadLetters(), deadLetterKinds(result.deadLetters()));
        s.inputs().forEach((file, input) -> mostlyDeadLettered(file, input, result.deadLetters()).ifPresent(o::println));
        ReplaySummary.InputFile policies = s.inputs().get(ReplayInputs.POLICIES);
        if (policies != null) {
            rejectedPolicies(policies.topic(), result.deadLetters()).ifPresent(o::println);
        }
        noPolicyInForce(s, result.deadLetters()).ifPresent(o::println);
        // Not a throughput figure for a small input: the waits (policies consumed first, the last
        // commit, the outputs read back) are in it, and so is the cluster, embedded or not.
        o.printf(Locale.ROOT, "  elapsed         %.1f s from the first record sent to the last output read "
                + "(%,.0f interactions/s over that time)%n", s.elapsedSeconds(), s.interactionsPerSecond());
        long outOfOrder = s.groupSignalsOutOfOrder().values().stream().mapToLong(Long::longValue).sum();
        if (outOfOrder > 0) {
            o.printf(Locale.ROOT, "  group order     %,d group signals judged out of event-time order %s%n", outOfOrder,
                    s.groupSignalsOutOfOrder());
        }
        untracked(s.groupSignalsUntracked()).ifPresent(o::println);
        rewardsLeftOut(s.rewardsLeftOut()).ifPresent(o::println);
        if (!s.notProcessed().isEmpty()) {
            o.printf("  not processed   %s (produced; no processor in this build consumes them)%n", s.notProcessed());
        }
        if (score != null) {
            o.println();
            o.println("  detection vs ground truth     agents  recall  typed  median-delay  p90-delay");
            score.kinds().forEach((kind, k) -> o.printf(Locale.ROOT, "    %-27s %6d  %6s  %5s  %12s  %9s%n", kind,
                    k.agents(), ReportWriter.fmt(k.recall()), ReportWriter.fmt(k.typedRecall()),
                    ReportWriter.fmt(k.medianDelay()), ReportWriter.fmt(k.p90Delay())));
            o.println("  false alarms    " + score.falseAlarmSentence());
            if (!score.unplacedNote().isEmpty()) {
                o.println("  truth           " + score.unplacedNote());
            }
        }
        printSpread(result.alerts(), o);
        if (diffusion != null) {
            o.printf(Locale.ROOT, "  diffusion       %d/%d contagious groups detected, %d before half the group turned, "
                    + "patient zero right in %d; DIFFUSION alerts on the %d control groups: %d%n", diffusion.detected(),
                    diffusion.contagiousGroups(), diffusion.detectedBeforeHalf(), diffusion.patientZeroCorrect(),
                    diffusion.controlGroups(), diffusion.controlAlerts());
        }
        printGate(result, gate, o);
        o.println();
        o.println("  outputs in " + out + ": alerts.jsonl dlq.jsonl gate.jsonl triage.jsonl jobs.jsonl summary.json report.html");
    }

    /** Why preference lines got no decision at all, when they did not. */
    static Optional<String> untriaged(int decisions, ReplaySummary.InputFile pairs) {
        if (decisions > 0 || pairs == null || pairs.records() == 0) {
            return Optional.empty();
        }
        // Every pair is triaged against some version once one is accepted, so none means none was.
        return Optional.of(String.format(Locale.ROOT, "  triage          no decisions for %,d preference lines: "
                + "no policy version was accepted to judge them against (policies.jsonl, or versions on the policy "
                + "topic)", pairs.records()));
    }

    private static void printTriage(ReplayRunner.Result result, TriageSection.Agreement agreement, PrintStream o) {
        TriageSection.counts(result.triage()).forEach((version, byAction) -> o.printf(Locale.ROOT,
                "  triage          %s: %s%n", version, byAction));
        untriaged(result.triage().size(), result.summary().inputs().get(ReplayInputs.PREFERENCES)).ifPresent(o::println);
        if (agreement != null) {
            o.printf(Locale.ROOT, "  triage vs truth %d/%d decisions agree%n", agreement.agreed(), agreement.compared());
        }
        for (var job : result.jobs()) {
            var status = TriageSection.statusOf(job, result.jobStatuses());
            var m = status == null || status.metrics() == null ? java.util.Map.<String, Double>of() : status.metrics();
            o.printf(Locale.ROOT, "  job             %s (%s): %s%s%s%n", job.jobId(), job.policyVersion(),
                    status == null ? "no status" : status.state(), jobFigures(m, status),
                    status != null && status.error() != null ? ": " + status.error() : "");
            withoutPairs(status, result.summary().inputs().get(ReplayInputs.PREFERENCES)).ifPresent(o::println);
        }
    }

    /**
     * Why a job failed in a replay that had no preference pairs: alerts can call for re-alignment
     * in any replay, but it learns from triaged pairs, so there it can only fail.
     */
    static Optional<String> withoutPairs(JobStatus status, ReplaySummary.InputFile pairs) {
        if (status == null || status.state() != JobStatus.State.FAILED || pairs != null && pairs.records() > 0) {
            return Optional.empty();
        }
        return Optional.of("                  this replay had no preference pairs (preferences.jsonl): re-alignment "
                + "learns from pairs triaged against the new policy, so a job had nothing to train on");
    }

    /**
     * Why little of an input file was used, when at least half of its records were dead-lettered:
     * the most common reason, since one systematic mistake (snake_case field names, another
     * timestamp format) dead-letters every line for the same reason, and the run otherwise looks
     * like a quiet one. Reasons are counted without the value they quote, so that a file whose
     * every line has another badly shaped timestamp reads as one mistake, not as a thousand; the
     * first such value is shown.
     */
    static Optional<String> mostlyDeadLettered(String file, ReplaySummary.InputFile input, List<DeadLetterLine> dead) {
        List<String> reasons = dead.stream().filter(d -> input.topic().equals(d.sourceTopic()))
                .map(DeadLetterLine::error).toList();
        if (input.records() == 0 || 2 * reasons.size() < input.records()) {
            return Optional.empty();
        }
        Map<String, List<String>> byShape = reasons.stream()
                .collect(Collectors.groupingBy(RunReport::withoutQuotedValue, TreeMap::new, Collectors.toList()));
        Map.Entry<String, List<String>> top = byShape.entrySet().stream()
                .max(Comparator.comparingInt(e -> e.getValue().size())).orElseThrow();
        String first = top.getValue().get(0);
        String example = first.equals(top.getKey()) ? "" : " (the first: '" + first + "')";
        return Optional.of(String.format(Locale.ROOT, "                  %,d of %,d records of %s were dead-lettered, "
                + "%,d of them for '%s'%s: check its shape against the README's \"Input shapes\" (dlq.jsonl holds "
                + "every line and its reason)", reasons.size(), input.records(), file, top.getValue().size(), top.getKey(),
                example));
    }

    /** A dead letter's reason without what it ends by quoting: "timestamp: not ISO-8601 (got '...')". */
    private static String withoutQuotedValue(String reason) {
        return QUOTED_VALUE.matcher(reason).replaceFirst("");
    }

    /**
     * The policy records dead-lettered, with the first one's reason: each leaves the versions
     * before it in force, which the author of a rule that never took effect needs to hear.
     */
    static Optional<String> rejectedPolicies(String policyTopic, List<DeadLetterLine> dead) {
        List<String> reasons = dead.stream().filter(d -> policyTopic.equals(d.sourceTopic()))
                .map(DeadLetterLine::error).toList();
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "  policies        %,d policy record%s rejected; the versions "
                + "before %s stay in force (dlq.jsonl has every reason). First: %s", reasons.size(),
                reasons.size() == 1 ? "" : "s", reasons.size() == 1 ? "it" : "them", reasons.get(0)));
    }

    /**
     * Says that interactions or candidates were judged with no policy version in force, when they
     * were: none can break a rule then, and "0 violations" alone reads as a clean log.
     */
    static Optional<String> noPolicyInForce(ReplaySummary s, List<DeadLetterLine> dead) {
        ReplaySummary.InputFile policies = s.inputs().get(ReplayInputs.POLICIES);
        long accepted = policies == null ? 0
                : policies.records() - dead.stream().filter(d -> policies.topic().equals(d.sourceTopic())).count();
        long decided = s.gateDecisions().values().stream().mapToLong(Long::longValue).sum();
        if (accepted > 0 || s.interactions() + decided == 0) {
            return Optional.empty();
        }
        return Optional.of("  policies        none in force: no interaction or candidate had a rule to break "
                + "(policies.jsonl, or versions on the policy topic)");
    }

    /**
     * Says that group detection left agents out, when it did: a group larger than
     * {@code diffusion.max.agents}, or than its header holds with ids as long as its members', is
     * judged on its first members only, so its figures can read as a miss with no other sign of why.
     */
    static Optional<String> untracked(long signals) {
        return signals == 0 ? Optional.empty() : Optional.of(String.format(Locale.ROOT, "  group limit     %,d group "
                + "signals came from agents their group could not track and were not judged for it: past "
                + "diffusion.max.agents (raise it for groups that large), or past what one header record holds with "
                + "ids as long as its members' (README, Input limits)", signals));
    }

    static Optional<String> rewardsLeftOut(long rewards) {
        return rewards == 0 ? Optional.empty() : Optional.of(String.format(Locale.ROOT, "  reward glitches %,d compliant "
                + "rewards an order of magnitude off their agent's usual pay were left out of its reward statistics "
                + "(the interactions were judged): check how rewards are logged", rewards));
    }

    /** How many dead letters of each kind of reason, most first: " (invalid_value 5, repeated_event 1)". */
    static String deadLetterKinds(List<DeadLetterLine> dead) {
        if (dead.isEmpty()) {
            return "";
        }
        Map<String, Long> kinds = new TreeMap<>();
        dead.forEach(d -> kinds.merge(BallastMetrics.reasonKind(d.error()), 1L, Long::sum));
        return kinds.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    /** What a finished job reported: its held-out figures, or that it found nothing new to learn. */
    static String jobFigures(Map<String, Double> m, JobStatus status) {
        if (m.containsKey("preferenceAccuracyAfter")) {
            return String.format(Locale.ROOT,
                    "; held-out preference accuracy %s, on conflicts %s, perplexity %s, %.0f s, model %s",
                    TriageSection.pair(m, "preferenceAccuracy"), TriageSection.pair(m, "conflictAccuracy"),
                    TriageSection.pair(m, "perplexity"), m.get("seconds"), status.modelVersion());
        }
        if (m.containsKey(InJvmLauncher.ALREADY_ALIGNED)) {
            return "; nothing new to learn, model " + status.modelVersion() + " was already re-aligned on these decisions";
        }
        return "";
    }

    /** The gate's first line: its decisions, or that a candidates file held none to decide. */
    static String gateLine(long accepted, long quarantined, String model) {
        if (accepted + quarantined == 0) {
            return "  gate            no candidate to decide (none readable in candidates.jsonl); model " + model
                    + " was ready";
        }
        return String.format(Locale.ROOT, "  gate            %,d accepted, %,d quarantined (model %s)", accepted,
                quarantined, model);
    }

    private static void printGate(ReplayRunner.Result result, GateScore gate, PrintStream o) {
        ReplaySummary s = result.summary();
        if (s.modelVersion() == null) {
            return;
        }
        o.println();
        o.println(gateLine(s.gateDecisions().get("ACCEPT"), s.gateDecisions().get("QUARANTINE"), s.modelVersion()));
        Map<String, Long> reasons = new java.util.TreeMap<>();
        result.gateDecisions().forEach(d -> d.reasons().forEach(r -> reasons.merge(r, 1L, Long::sum)));
        if (!reasons.isEmpty()) {
            StringBuilder line = new StringBuilder();
            reasons.forEach((r, n) -> line.append(r).append(' ').append(n).append("  "));
            o.printf(Locale.ROOT, "  quarantine      %s%n", line.toString().trim());
        }
        if (gate == null) {
            return;
        }
        o.println();
        o.printf(Locale.ROOT, "  gate vs ground truth: %,d/%,d candidates decided exactly once (%d missing, %d twice); "
                + "%d/%d rule breakers quarantined with their rule, %d false conflicts%n", gate.decided(),
                gate.candidates(), gate.missing(), gate.duplicated(), gate.ruleCaught(), gate.ruleBreaking(),
                gate.falseConflicts());
        o.printf(Locale.ROOT, "  gradNorm AUROC harmful compliance vs benign: %s%n", ReportWriter.fmt(gate.auroc()));
        o.println("    kind                 samples  accepted  accepted once warm");
        gate.kinds().forEach((kind, k) -> o.printf(Locale.ROOT, "    %-19s %8d  %8d  %s of %d%n", kind, k.samples(),
                k.accepted(), ReportWriter.fmt(k.warmAcceptedShare()), k.warm()));
        if (gate.surgeDatasets() > 0) {
            o.printf(Locale.ROOT, "  gate surges     %d/%d poisoned datasets alerted%s, %d false alarms%n",
                    gate.surgesDetected(), gate.surgeDatasets(), gate.surgeDelays().isEmpty() ? ""
                            : " (samples after the jump: " + gate.surgeDelays() + ")", gate.surgeFalseAlarms());
            gate.surgesInBaselineNotes().forEach(note -> o.printf(Locale.ROOT, "                  %s%n", note));
        }
    }

    /** Each DIFFUSION alert as a spread: patient zero, then who turned from whom, when. */
    @SuppressWarnings("unchecked")
    private static void printSpread(List<Alert> alerts, PrintStream o) {
        List<Alert> diffusion = alerts.stream().filter(a -> a.type() == AlertType.DIFFUSION).toList();
        if (diffusion.isEmpty()) {
            return;
        }
        o.println();
        o.println("  diffusion alerts (group: patient zero, then target <- source at turn time)");
        for (Alert a : diffusion) {
            StringBuilder line = new StringBuilder();
            for (Map<String, Object> step : (List<Map<String, Object>>) a.evidence().get("timeline")) {
                Object source = step.get("source");
                if (source != null) {
                    line.append("  ").append(step.get("agentId")).append(" <- ").append(source)
                            .append(" @").append(String.valueOf(step.get("turnedAt")).substring(11, 16));
                }
            }
            o.printf(Locale.ROOT, "    %-10s zero %s, R %.2f, %s deviant (%s of group), fired at %s:%s%n", a.groupId(),
                    a.evidence().get("patientZero"), a.score(), a.evidence().get("deviantCount"),
                    a.evidence().get("deviantShare"), a.eventTimestamp().toString().substring(11, 16), line);
        }
    }

}
