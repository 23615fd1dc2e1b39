package dev.ballast.streams.replay;

import dev.ballast.events.EventJson;
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
 * {@code report.html}. Outputs of processors that are not part of this build (triage, trigger)
 * are written empty, and {@code summary.json} lists which inputs no processor consumed.
 */
public final class ReplayOutputs {
    private ReplayOutputs() {
    }

    public static void write(Path out, ReplayRunner.Result result, DetectionScore score, DiffusionScore diffusion,
                             GateScore gate) {
        try {
            Files.createDirectories(out);
            jsonl(out.resolve("alerts.jsonl"), result.alerts());
            jsonl(out.resolve("dlq.jsonl"), result.deadLetters());
            jsonl(out.resolve("gate.jsonl"), result.gateDecisions());
            for (String empty : List.of("triage.jsonl", "jobs.jsonl")) {
                jsonl(out.resolve(empty), List.of());
            }
            Files.writeString(out.resolve("summary.json"),
                    EventJson.LENIENT.writerWithDefaultPrettyPrinter().writeValueAsString(result.summary()) + "\n");
            Files.writeString(out.resolve("report.html"), ReportWriter.render(result, score, diffusion, gate));
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
