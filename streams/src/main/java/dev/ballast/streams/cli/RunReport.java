package dev.ballast.streams.cli;

import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DetectionScorer;
import dev.ballast.streams.eval.EventPositions;
import dev.ballast.streams.replay.ReplayInputs;
import dev.ballast.streams.replay.ReplayOutputs;
import dev.ballast.streams.replay.ReplayRunner;
import dev.ballast.streams.replay.ReplaySummary;
import dev.ballast.streams.sim.GroundTruth;
import dev.ballast.events.Decoded;
import dev.ballast.events.EventJson;
import dev.ballast.events.Interaction;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** Scores a replay against ground truth when there is one, writes the out directory, prints the summary. */
final class RunReport {
    private RunReport() {
    }

    static DetectionScore finish(ReplayInputs inputs, ReplayRunner.Result result, GroundTruth truth, Path out,
                                 PrintStream stdout) {
        DetectionScore score = truth == null ? null : score(inputs, result, truth);
        ReplayOutputs.write(out, result, score);
        print(result.summary(), score, out, stdout);
        return score;
    }

    private static DetectionScore score(ReplayInputs inputs, ReplayRunner.Result result, GroundTruth truth) {
        EventPositions positions = new EventPositions();
        for (String line : inputs.lines(ReplayInputs.INTERACTIONS)) {
            if (EventJson.readInteraction(line.getBytes(StandardCharsets.UTF_8)) instanceof Decoded.Ok<Interaction> ok) {
                positions.add(ok.value().agentId(), ok.value().eventId());
            }
        }
        return new DetectionScorer(truth, positions).score(result.alerts());
    }

    private static void print(ReplaySummary s, DetectionScore score, Path out, PrintStream o) {
        o.println();
        o.printf(Locale.ROOT, "  agents          %,d%n", s.agents());
        o.printf(Locale.ROOT, "  interactions    %,d judged, %,d violations%n", s.interactions(), s.violations());
        StringBuilder alerts = new StringBuilder();
        s.alertsByType().forEach((type, n) -> alerts.append(type).append(' ').append(n).append("  "));
        o.printf(Locale.ROOT, "  alerts          %d (%s)%n", s.alerts(), alerts.toString().trim());
        o.printf(Locale.ROOT, "  dead letters    %d%n", s.deadLetters());
        o.printf(Locale.ROOT, "  elapsed         %.1f s (%,.0f interactions/s through the embedded pipeline)%n",
                s.elapsedSeconds(), s.interactionsPerSecond());
        if (!s.notProcessed().isEmpty()) {
            o.printf("  not processed   %s (produced; no processor in this build consumes them)%n", s.notProcessed());
        }
        if (score != null) {
            o.println();
            o.println("  detection vs ground truth     agents  recall  typed  median-delay  p90-delay");
            score.kinds().forEach((kind, k) -> o.printf(Locale.ROOT, "    %-27s %6d  %6s  %5s  %12s  %9s%n", kind,
                    k.agents(), fmt(k.recall()), fmt(k.typedRecall()), fmt(k.medianDelay()), fmt(k.p90Delay())));
            o.printf(Locale.ROOT, "  false alarms    %d over %,d events of unchanged agents (%.2f per 100,000); "
                    + "%d before a change%n", score.falseAlarms(), score.stableEvents(), score.falseAlarmsPer100k(),
                    score.alertsBeforeChange());
        }
        o.println();
        o.println("  outputs in " + out + ": alerts.jsonl dlq.jsonl gate.jsonl triage.jsonl jobs.jsonl summary.json report.html");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3g", v);
    }
}
