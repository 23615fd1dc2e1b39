package dev.ballast.streams.replay;

import dev.ballast.events.EventJson;
import dev.ballast.events.JobStatus;
import dev.ballast.events.RealignJob;
import dev.ballast.streams.eval.DetectionScore;
import dev.ballast.streams.eval.DiffusionScore;
import dev.ballast.streams.eval.GateScore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a replay's out directory as DESIGN.md specifies: {@code alerts.jsonl}, {@code gate.jsonl},
 * {@code triage.jsonl}, {@code jobs.jsonl}, {@code dlq.jsonl}, {@code summary.json} and
 * {@code report.html}. {@code triage.jsonl} holds the latest decision per pair and policy version;
 * {@code jobs.jsonl} one line per re-alignment job with its final status.
 */
public final class ReplayOutputs {
    /** A line of {@code jobs.jsonl}: the job as the trigger created it and how it ended (null: no status). */
    public record JobLine(RealignJob job, JobStatus status) {
    }

    private ReplayOutputs() {
    }

    public static void write(Path out, ReplayRunner.Result result, DetectionScore score, DiffusionScore diffusion,
                             GateScore gate, TriageSection.Agreement triage) {
        try {
            Files.createDirectories(out);
            jsonl(out.resolve("alerts.jsonl"), result.alerts());
            jsonl(out.resolve("dlq.jsonl"), result.deadLetters());
            jsonl(out.resolve("gate.jsonl"), result.gateDecisions());
            jsonl(out.resolve("triage.jsonl"), TriageSection.latest(result.triage()));
            jsonl(out.resolve("jobs.jsonl"), result.jobs().stream()
                    .map(j -> new JobLine(j, TriageSection.statusOf(j, result.jobStatuses()))).toList());
            Files.writeString(out.resolve("summary.json"),
                    EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(result.summary()) + "\n");
            Files.writeString(out.resolve("report.html"), ReportWriter.render(result, score, diffusion, gate, triage));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write outputs to " + out + ": " + e.getMessage(), e);
        }
    }

    private static void jsonl(Path file, List<?> records) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Object r : records) {
                w.write(EventJson.writeString(r));
                w.newLine();
            }
        }
    }
}
